package trainyard.api.platform;

import java.security.SecureRandom;

/**
 * Resource ids: a prefix, the creation time in milliseconds (12 hex digits) and 40 random bits.
 * Ids of one kind sort by creation time, which makes them good pagination cursors.
 * Thread-safe.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId(String prefix, long nowMillis) {
    long random = RANDOM.nextLong() & 0xFF_FFFF_FFFFL;
    return String.format("%s_%012x%010x", prefix, nowMillis, random);
  }
}
