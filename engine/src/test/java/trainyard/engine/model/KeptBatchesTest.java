package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.BatchKeys;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.Keys;
import trainyard.engine.testing.Synthetic;

/**
 * A block's minibatches, de-duplicated once by {@code index} and kept, give a worker the keys,
 * occurrences and counts it would have computed itself; any other run of rows is computed anew.
 */
class KeptBatchesTest {
  private static final long BIAS = Keys.mix(Keys.BIAS_FEATURE);

  @Test
  void keptBatchesEqualTheOnesComputedOnTheSpot() {
    CsrBlock block = Synthetic.sparseBinary(1030, 5_000, 8, 0.1, 7);
    FmAlgorithm.Compute kept = fm(block);
    FmAlgorithm.Compute fresh = fm(block);
    int batch = 100;
    kept.use(block, kept.index(block, batch));
    fresh.use(block, null);
    int[] inOrder = new int[block.rows];
    for (int i = 0; i < inOrder.length; i++) {
      inOrder[i] = i;
    }
    BatchKeys reference = new BatchKeys(block, BIAS);
    // Every minibatch, the short last one (rows 1000..1030) included, out of order as epochs take them.
    for (int b : new int[] {3, 0, 10, 7}) {
      int from = b * batch;
      int to = Math.min(block.rows, from + batch);
      int n = kept.prepare(block, inOrder, from, to);
      assertEquals(fresh.prepare(block, inOrder, from, to), n);
      assertEquals(reference.batch(inOrder, from, to), n);
      assertArrayEquals(Arrays.copyOf(fresh.ranks(), n), Arrays.copyOf(kept.ranks(), n));
      int occ = to - from + block.rowStart[to] - block.rowStart[from];
      assertArrayEquals(Arrays.copyOf(fresh.occurrences, occ), Arrays.copyOf(kept.occurrences, occ));
      SameBatch.assertSame(reference, kept.keys(), kept.counts(), kept.occurrences, n, occ);
    }
  }

  @Test
  void aRunThatIsNoKeptMinibatchIsComputed() {
    CsrBlock block = Synthetic.sparseBinary(300, 2_000, 6, 0.1, 3);
    FmAlgorithm.Compute c = fm(block);
    SparseBatchCompute.Indexed index = (SparseBatchCompute.Indexed) c.index(block, 100);
    assertEquals(3, index.batches().length);
    c.use(block, index);
    int[] inOrder = new int[block.rows];
    for (int i = 0; i < inOrder.length; i++) {
      inOrder[i] = i;
    }
    c.prepare(block, inOrder, 100, 200);
    assertSame(index.batches()[1].ranks(), c.ranks(), "a kept minibatch is not computed again");
    c.prepare(block, inOrder, 50, 150);
    assertNotSame(index.batches()[0].ranks(), c.ranks());
    int[] shuffled = inOrder.clone();
    shuffled[100] = 101;
    shuffled[101] = 100;
    int n = c.prepare(block, shuffled, 100, 200);
    BatchKeys reference = new BatchKeys(block, BIAS);
    assertEquals(reference.batch(shuffled, 100, 200), n);
    int occ = 100 + block.rowStart[200] - block.rowStart[100];
    // Rows in another order are numbered in that order.
    SameBatch.assertSame(reference, c.keys(), c.counts(), c.occurrences, n, occ);
  }

  private static FmAlgorithm.Compute fm(CsrBlock block) {
    FmAlgorithm.Compute c = new FmAlgorithm.Compute(Loss.LOGISTIC, 4, 0.01f, 0);
    c.collect(block);
    c.dictionary(KeyRanges.uniform(1));
    return c;
  }
}
