package trainyard.engine.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.testing.Synthetic;

class BatchKeysTest {
  static final long BIAS = Keys.mix(Keys.BIAS_FEATURE);

  /** Checks one batch against a TreeMap of its keys: both the bitmap-scan and the sort path. */
  static void check(CsrBlock block, BatchKeys keys, int[] order, int from, int to) {
    int n = keys.batch(order, from, to);
    TreeMap<Long, Integer> expected = new TreeMap<>();
    for (int i = from; i < to; i++) {
      expected.merge(BIAS, 1, Integer::sum);
      for (int e = block.rowStart[order[i]]; e < block.rowStart[order[i] + 1]; e++) {
        expected.merge(Keys.mix(block.keys[e]), 1, Integer::sum);
      }
    }
    assertEquals(expected.size(), n);
    int idx = 0;
    for (Map.Entry<Long, Integer> entry : expected.entrySet()) {
      assertEquals(entry.getKey(), keys.keys()[idx]);
      assertEquals(entry.getKey(), keys.dictionary()[keys.ranks()[idx]]);
      assertEquals(entry.getValue(), keys.counts()[idx]);
      idx++;
    }
    int pos = 0;
    for (int i = from; i < to; i++) {
      assertEquals(BIAS, keys.keys()[keys.occurrences()[pos++]]);
      for (int e = block.rowStart[order[i]]; e < block.rowStart[order[i] + 1]; e++) {
        assertEquals(Keys.mix(block.keys[e]), keys.keys()[keys.occurrences()[pos++]]);
      }
    }
  }

  @Test
  void batchesMatchABruteForceCount() {
    CsrBlock block = Synthetic.sparseBinary(3000, 20_000, 8, 0.1, 4);
    BatchKeys keys = new BatchKeys(block, BIAS);
    int[] order = new int[block.rows];
    for (int i = 0; i < order.length; i++) {
      order[i] = (i * 7919) % order.length;
    }
    assertTrue(keys.dictionary().length > 10_000);
    check(block, keys, order, 0, 2000);   // large batch: bitmap scan
    check(block, keys, order, 2000, 2003); // tiny batch of a large dictionary: sort
    check(block, keys, order, 100, 1100);  // reused buffers
  }
}
