package trainyard.engine.model;

import java.io.IOException;
import java.util.Arrays;
import trainyard.engine.ps.KeyValues;

/**
 * The servers' keys and pulled values (from the servers or a checkpoint), sorted by key, keeping
 * only keys with a non-zero value (an L1-sparse model stores only its live features). Not
 * thread-safe; used once.
 */
final class SparseExport {
  final long[] keys;
  /** width floats per key. */
  final float[] values;
  final int width;

  SparseExport(KeyValues source) throws IOException {
    width = source.pullWidth();
    int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, source.keyCount()));
    long[][] k = {new long[cap]};
    float[][] v = {new float[cap * width]};
    int[] n = {0};
    source.forEach((key, vals) -> {
      boolean live = false;
      for (int j = 0; j < width && !live; j++) {
        live = vals[j] != 0f;
      }
      if (live) {
        k[0][n[0]] = key;
        System.arraycopy(vals, 0, v[0], n[0] * width, width);
        n[0]++;
      }
    });
    long[] unsorted = Arrays.copyOf(k[0], n[0]);
    long[] sorted = unsorted.clone();
    Arrays.sort(sorted);
    KeyIndex index = new KeyIndex(unsorted, unsorted.length);
    float[] out = new float[n[0] * width];
    for (int i = 0; i < sorted.length; i++) {
      System.arraycopy(v[0], index.find(sorted[i]) * width, out, i * width, width);
    }
    keys = sorted;
    values = out;
  }
}
