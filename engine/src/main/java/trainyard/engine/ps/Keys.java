package trainyard.engine.ps;

/** Key helpers shared by workers and models. Stateless. */
public final class Keys {
  /** The feature id that stands for the bias term of sparse models. */
  public static final long BIAS_FEATURE = -1L;

  private Keys() {}

  /**
   * Maps a feature id to its parameter-server key: MurmurHash3's 64-bit finalizer, a bijection,
   * so ids never collide while consecutive ids spread evenly over the server ranges.
   */
  public static long mix(long id) {
    long h = id;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** The feature id whose key is {@code key}: {@link #mix} undone, step by step in reverse. */
  public static long unmix(long key) {
    long h = key;
    h ^= h >>> 33; // its own inverse, for shifts of half the width or more
    h *= INVERSE_2;
    h ^= h >>> 33;
    h *= INVERSE_1;
    h ^= h >>> 33;
    return h;
  }

  private static final long INVERSE_1 = inverse(0xff51afd7ed558ccdL);
  private static final long INVERSE_2 = inverse(0xc4ceb9fe1a85ec53L);

  /** The multiplicative inverse of odd {@code a} modulo 2^64, by Newton's iteration (each step doubles the correct bits). */
  private static long inverse(long a) {
    long x = a; // correct to 3 bits for any odd a
    for (int i = 0; i < 5; i++) {
      x *= 2 - a * x;
    }
    return x;
  }

  /** A uniform float in [0, 1) derived from a key and a salt; used to initialise weights. */
  public static float unit(long key, long salt) {
    long h = mix(key * 0x9E3779B97F4A7C15L + salt);
    return (h >>> 40) * 0x1.0p-24f;
  }
}
