package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.BatchKeys;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.Keys;
import trainyard.engine.testing.Synthetic;

/** A worker dictionary over several blocks numbers a batch's keys as BatchKeys does over one block. */
class BatchRanksTest {
  static final long BIAS = Keys.mix(Keys.BIAS_FEATURE);

  @Test
  void aDictionaryOverTwoBlocksGivesTheBatchesOfOneBlocksBatchKeys() {
    CsrBlock whole = Synthetic.sparseBinary(4000, 20_000, 8, 0.1, 4);
    CsrBlock a = Synthetic.head(whole, 2500);
    CsrBlock b = Synthetic.tail(whole, 2500);
    KeyDictionary dict = new KeyDictionary();
    dict.add(BIAS);
    dict.addAll(a);
    dict.addAll(b);
    dict.add(BIAS);
    dict.finish(KeyRanges.uniform(3));
    BatchKeys reference = new BatchKeys(whole, BIAS);
    long[] sorted = dict.keys().clone();
    Arrays.sort(sorted);
    assertArrayEquals(reference.dictionary(), sorted, "the same keys");
    int[] order = new int[whole.rows];
    for (int i = 0; i < order.length; i++) {
      order[i] = (i * 7919) % order.length;
    }
    BatchRanks ranks = new BatchRanks(dict, BIAS);
    int[] local = dict.ranks(whole);
    // A large batch (bitmap scan), a tiny one of a large dictionary (sort), and reused buffers.
    for (int[] range : new int[][] {{0, 2000}, {2000, 2003}, {100, 1100}, {3999, 4000}}) {
      int n = reference.batch(order, range[0], range[1]);
      assertEquals(n, ranks.batch(whole, local, order, range[0], range[1]));
      for (int i = 1; i < n; i++) {
        assertTrue(ranks.ranks()[i - 1] < ranks.ranks()[i], "ranks ascending");
      }
      int occ = range[1] - range[0];
      for (int i = range[0]; i < range[1]; i++) {
        occ += whole.rowStart[order[i] + 1] - whole.rowStart[order[i]];
      }
      assertEquals(occ, ranks.occurrenceCount());
      SameBatch.assertSame(reference, SameBatch.keysOf(dict, ranks.ranks(), n), null, ranks.occurrences(), n, occ);
      BatchRanks.Batch kept = ranks.frozen();
      assertArrayEquals(Arrays.copyOf(ranks.ranks(), n), kept.ranks(), "kept: exactly the batch's ranks");
      assertArrayEquals(Arrays.copyOf(ranks.occurrences(), occ), kept.occurrences());
    }
    // The second block's ranks are the whole block's for its entries.
    int[] tail = dict.ranks(b);
    assertArrayEquals(Arrays.copyOfRange(local, a.nonZeros(), whole.nonZeros()), tail);
  }

  @Test
  void aKeyOutsideTheDictionaryIsAnError() {
    KeyDictionary dict = new KeyDictionary();
    dict.addAll(Synthetic.sparseBinary(10, 100, 3, 0.5, 1));
    dict.finish(KeyRanges.uniform(1));
    CsrBlock other = new CsrBlock(1, new int[] {0, 1}, new long[] {1_000_000}, null, new float[] {1}, null);
    assertThrows(IllegalArgumentException.class, () -> dict.ranks(other));
    assertThrows(IllegalStateException.class, () -> dict.add(5));
  }
}
