package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import trainyard.engine.ps.KeyValues;

/** An export sorts the keys it is given in place, each with its values, and drops the all-zero ones. */
class SparseExportTest {
  @Test
  void sortsEachKeyWithItsValuesAndDropsZeroKeys() throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    for (int n : new int[] {0, 1, 2, 16, 17, 1000, 100_000}) {
      for (int width : new int[] {1, 3}) {
        long[] keys = random.longs(n).toArray();
        float[] values = new float[n * width];
        for (int i = 0; i < values.length; i++) {
          values[i] = random.nextInt(4) == 0 ? 0f : (float) random.nextDouble();
        }
        check(keys, values, width);
        long[] ascending = keys.clone();
        Arrays.sort(ascending);
        check(ascending, values, width);
        long[] descending = new long[n];
        for (int i = 0; i < n; i++) {
          descending[i] = ascending[n - 1 - i];
        }
        check(descending, values, width);
      }
    }
  }

  @Test
  void keepsTheExtremeKeys() throws IOException {
    long[] keys = {0, Long.MAX_VALUE, -1, Long.MIN_VALUE, 1};
    check(keys, new float[] {1, 2, 3, 4, 5}, 1);
  }

  /** What the export must give: the live keys ascending, by a sorted map. */
  private static void check(long[] keys, float[] values, int width) throws IOException {
    TreeMap<Long, float[]> expected = new TreeMap<>();
    for (int i = 0; i < keys.length; i++) {
      float[] v = Arrays.copyOfRange(values, i * width, (i + 1) * width);
      boolean live = false;
      for (float x : v) {
        live |= x != 0f;
      }
      if (live) {
        expected.put(keys[i], v);
      }
    }
    SparseExport e = new SparseExport(source(keys, values, width));
    assertEquals(width, e.width);
    assertArrayEquals(expected.keySet().stream().mapToLong(Long::longValue).toArray(), e.keys);
    float[] flat = new float[expected.size() * width];
    int o = 0;
    for (float[] v : expected.values()) {
      System.arraycopy(v, 0, flat, o, width);
      o += width;
    }
    assertArrayEquals(flat, e.values);
  }

  /** One shard of {@code keys}, each with its {@code width} values, visited in the given order. */
  static KeyValues source(long[] keys, float[] values, int width) {
    return KeyValues.shard(width, keys.length, visitor -> {
      float[] reused = new float[width];
      for (int i = 0; i < keys.length; i++) {
        System.arraycopy(values, i * width, reused, 0, width);
        visitor.visit(keys[i], reused);
      }
    });
  }
}
