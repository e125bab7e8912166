package trainyard.engine.data;

/**
 * Counts distinct 64-bit keys in bounded memory. Exact while the keys fit a 2^27-bit bitmap (hashed
 * ids with hashBits ≤ 27: 16 MiB at most) or an open-addressing set of up to 2^21 keys (32 MiB);
 * past that it switches to a HyperLogLog sketch with 2^14 registers (standard error about 0.8%).
 *
 * <p>Not thread-safe.
 */
final class DistinctCounter {
  private static final int MAX_BITMAP_BITS = 27;
  private static final int MAX_SET_KEYS = 1 << 21;
  private static final int HLL_P = 14;

  private long[] bitmap;
  private long[] set;
  private boolean setHasZero;
  private int setSize;
  private byte[] registers;

  /** @param hashBits the dataset's hashBits: 1..27 selects the exact bitmap */
  DistinctCounter(int hashBits) {
    if (hashBits > 0 && hashBits <= MAX_BITMAP_BITS) {
      bitmap = new long[Math.max(1, (int) ((1L << hashBits) >>> 6))];
    } else {
      set = new long[1 << 12];
    }
  }

  void addAll(long[] keys, int n) {
    if (bitmap != null) {
      long[] bm = bitmap;
      for (int i = 0; i < n; i++) {
        long k = keys[i];
        bm[(int) (k >>> 6)] |= 1L << k;
      }
    } else if (set != null) {
      for (int i = 0; i < n && set != null; i++) {
        addToSet(keys[i]);
      }
      if (set == null) {
        // switched to the sketch part way: the rest goes there (re-adding is harmless)
        for (int i = 0; i < n; i++) {
          addToSketch(keys[i]);
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        addToSketch(keys[i]);
      }
    }
  }

  long count() {
    if (bitmap != null) {
      long c = 0;
      for (long w : bitmap) {
        c += Long.bitCount(w);
      }
      return c;
    }
    if (set != null) {
      return setSize + (setHasZero ? 1 : 0);
    }
    return estimate();
  }

  /** Whether {@link #count()} is exact rather than an estimate. */
  boolean exact() {
    return registers == null;
  }

  private void addToSet(long k) {
    if (k == 0) {
      setHasZero = true;
      return;
    }
    long[] s = set;
    int mask = s.length - 1;
    int i = (int) FeatureHash.mix(k) & mask;
    while (true) {
      long v = s[i];
      if (v == k) {
        return;
      }
      if (v == 0) {
        s[i] = k;
        if (++setSize * 2 > s.length) {
          growSet();
        }
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private void growSet() {
    long[] old = set;
    if (setSize >= MAX_SET_KEYS) {
      registers = new byte[1 << HLL_P];
      set = null;
      for (long k : old) {
        if (k != 0) {
          addToSketch(k);
        }
      }
      if (setHasZero) {
        addToSketch(0);
      }
      return;
    }
    long[] s = new long[old.length * 2];
    int mask = s.length - 1;
    for (long k : old) {
      if (k != 0) {
        int i = (int) FeatureHash.mix(k) & mask;
        while (s[i] != 0) {
          i = (i + 1) & mask;
        }
        s[i] = k;
      }
    }
    set = s;
  }

  private void addToSketch(long k) {
    long h = FeatureHash.mix(k ^ 0x9e3779b97f4a7c15L);
    int idx = (int) (h >>> (64 - HLL_P));
    int rank = Long.numberOfLeadingZeros((h << HLL_P) | (1L << (HLL_P - 1))) + 1;
    if (rank > registers[idx]) {
      registers[idx] = (byte) rank;
    }
  }

  private long estimate() {
    int m = registers.length;
    double sum = 0;
    int zeros = 0;
    for (byte r : registers) {
      sum += Math.scalb(1.0, -r);
      if (r == 0) {
        zeros++;
      }
    }
    double alpha = 0.7213 / (1 + 1.079 / m);
    double e = alpha * m * (double) m / sum;
    if (e <= 2.5 * m && zeros > 0) {
      e = m * Math.log((double) m / zeros);
    }
    return Math.round(e);
  }
}
