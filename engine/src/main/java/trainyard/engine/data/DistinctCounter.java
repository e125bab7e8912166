package trainyard.engine.data;

import java.util.Arrays;

/**
 * Counts distinct 64-bit keys in bounded memory. Keys below 2^27 (libsvm's small integer ids, ids
 * hashed into at most 2^27) go to a bitmap that grows to the largest such key (16 MiB at most),
 * so they are counted exactly and fast; larger keys go to an open-addressing set of up to 2^21
 * keys (32 MiB), and past that to a HyperLogLog sketch with 2^14 registers (standard error about
 * 0.8%).
 *
 * <p>Not thread-safe.
 */
final class DistinctCounter {
  private static final int BITMAP_BITS = 27;
  private static final int MAX_SET_KEYS = 1 << 21;
  private static final int HLL_P = 14;

  private long[] bitmap = new long[1 << 10];
  private long[] set = new long[1 << 12];
  private int setSize;
  private byte[] registers;

  void addAll(long[] keys, int n) {
    long[] bm = bitmap;
    for (int i = 0; i < n; i++) {
      long k = keys[i];
      if ((k >>> BITMAP_BITS) == 0) {
        int word = (int) (k >>> 6);
        if (word >= bm.length) {
          bm = growBitmap(word);
        }
        bm[word] |= 1L << k;
      } else if (set != null) {
        addToSet(k);
      } else {
        addToSketch(k);
      }
    }
  }

  private long[] growBitmap(int word) {
    int n = bitmap.length;
    while (n <= word) {
      n *= 2;
    }
    bitmap = Arrays.copyOf(bitmap, n);
    return bitmap;
  }

  long count() {
    long c = 0;
    for (long w : bitmap) {
      c += Long.bitCount(w);
    }
    return c + (set != null ? setSize : estimate());
  }

  /** Whether {@link #count()} is exact rather than an estimate. */
  boolean exact() {
    return registers == null;
  }

  private void addToSet(long k) {
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
