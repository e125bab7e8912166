package trainyard.engine.ps;

/**
 * Splits the key space into one contiguous range per server shard, in signed {@code long} order.
 * Sparse models hash feature ids with {@link Keys#mix} first, so equal ranges hold equal shares
 * of the keys. Immutable and thread-safe.
 */
public final class KeyRanges {
  /** lower[s] is the first key of server s; its range ends where the next one starts. */
  private final long[] lower;

  private KeyRanges(long[] lower) {
    this.lower = lower;
  }

  /** The whole signed 64-bit key space cut into {@code servers} equal ranges. */
  public static KeyRanges uniform(int servers) {
    requirePositive(servers);
    long[] lower = new long[servers];
    // Equal steps of the 2^64 keys, counted up from Long.MIN_VALUE (wrapping arithmetic).
    long step = Long.divideUnsigned(-1L, servers);
    for (int s = 0; s < servers; s++) {
      lower[s] = Long.MIN_VALUE + step * s;
    }
    return new KeyRanges(lower);
  }

  /** Keys {@code [0, keys)} (dense models) cut into {@code servers} nearly equal ranges. */
  public static KeyRanges dense(long keys, int servers) {
    requirePositive(servers);
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be >= 1, got " + keys);
    }
    long[] lower = new long[servers];
    lower[0] = Long.MIN_VALUE;
    for (int s = 1; s < servers; s++) {
      lower[s] = keys * s / servers;
    }
    return new KeyRanges(lower);
  }

  public int servers() {
    return lower.length;
  }

  /** First key of server {@code s}. */
  public long lowerBound(int s) {
    return lower[s];
  }

  /** The server that owns {@code key}. */
  public int owner(long key) {
    int s = lower.length - 1;
    while (s > 0 && key < lower[s]) {
      s--;
    }
    return s;
  }

  private static void requirePositive(int servers) {
    if (servers < 1) {
      throw new IllegalArgumentException("servers must be >= 1, got " + servers);
    }
  }
}
