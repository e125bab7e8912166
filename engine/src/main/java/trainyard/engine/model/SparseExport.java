package trainyard.engine.model;

import java.io.IOException;
import java.util.Arrays;
import trainyard.engine.ps.KeyValues;

/**
 * One server shard's keys and pulled values (from the servers or a checkpoint), sorted by key,
 * keeping only keys with a non-zero value (an L1-sparse model stores only its live features):
 * what {@link SparseModelFile} writes, a shard at a time. Collected into two arrays and sorted
 * there, so a shard takes no more memory than its part of the model. Not thread-safe; used once.
 */
final class SparseExport {
  /** Below this many keys a range is sorted by insertion. */
  private static final int SMALL = 16;

  final long[] keys;
  /** width floats per key. */
  final float[] values;
  final int width;

  SparseExport(KeyValues source) throws IOException {
    width = source.pullWidth();
    long count = source.keyCount();
    if (count * width > Integer.MAX_VALUE - 8) {
      throw new IOException(count + " keys of " + width + " floats are too many to export in one model");
    }
    long[] k = new long[(int) count];
    float[] v = new float[(int) count * width];
    int[] n = {0};
    source.forEach((key, vals) -> {
      boolean live = false;
      for (int j = 0; j < width && !live; j++) {
        live = vals[j] != 0f;
      }
      if (live) {
        if (n[0] == k.length) {
          throw new IllegalStateException("the source visited more than the " + count + " keys it counted");
        }
        k[n[0]] = key;
        System.arraycopy(vals, 0, v, n[0] * width, width);
        n[0]++;
      }
    });
    keys = n[0] == k.length ? k : Arrays.copyOf(k, n[0]);
    values = n[0] == k.length ? v : Arrays.copyOf(v, n[0] * width);
    sort(0, n[0]);
  }

  /**
   * Sorts keys[lo, hi) ascending, each key's values moving with it: a quicksort on the median of
   * three, recursing into the smaller side so the stack stays O(log n). Keys are hashed
   * ({@code Keys.mix}), so no input order is adversarial.
   */
  private void sort(int lo, int hi) {
    while (hi - lo > SMALL) {
      long pivot = median(keys[lo], keys[(lo + hi) >>> 1], keys[hi - 1]);
      int i = lo;
      int j = hi - 1;
      while (i <= j) {
        while (keys[i] < pivot) {
          i++;
        }
        while (keys[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(i++, j--);
        }
      }
      // [lo, j] ≤ pivot ≤ [i, hi)
      if (j + 1 - lo < hi - i) {
        sort(lo, j + 1);
        lo = i;
      } else {
        sort(i, hi);
        hi = j + 1;
      }
    }
    for (int i = lo + 1; i < hi; i++) {
      for (int j = i; j > lo && keys[j - 1] > keys[j]; j--) {
        swap(j - 1, j);
      }
    }
  }

  private static long median(long a, long b, long c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  private void swap(int i, int j) {
    long k = keys[i];
    keys[i] = keys[j];
    keys[j] = k;
    for (int o = 0; o < width; o++) {
      float t = values[i * width + o];
      values[i * width + o] = values[j * width + o];
      values[j * width + o] = t;
    }
  }
}
