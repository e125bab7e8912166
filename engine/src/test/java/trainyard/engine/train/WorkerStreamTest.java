package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.Keys;
import trainyard.engine.testing.MemoryDataset;
import trainyard.engine.testing.Specs;
import trainyard.spec.JobSpec;

/** What each worker's stream reads: its share, once an epoch, in a reproducible order that resumes exactly. */
class WorkerStreamTest {
  static final long SEED = 11;
  static final int BATCH = 7;

  /** Shards of the given sizes whose row g carries label g and key g: rows are recognisable wherever they go. */
  static MemoryDataset numbered(int... sizes) {
    List<CsrBlock> shards = new ArrayList<>();
    int g = 0;
    for (int n : sizes) {
      int[] rowStart = new int[n + 1];
      long[] keys = new long[n];
      float[] labels = new float[n];
      for (int r = 0; r < n; r++, g++) {
        rowStart[r + 1] = r + 1;
        keys[r] = g;
        labels[r] = g;
      }
      shards.add(new CsrBlock(n, rowStart, keys, null, labels, null));
    }
    return new MemoryDataset(shards);
  }

  static TrainingData plan(MemoryDataset data, int workers, Double fraction) throws Exception {
    JobSpec spec = Specs.spec("linear", "logistic", "ftrl", 0.1, 0, 0, 8, 2, BATCH, new int[0], 0, workers, 1, 0,
        fraction, 0, SEED);
    return TrainingData.plan(new TrainRequest(spec, data, null, null), workers);
  }

  /** The row ids of the minibatches of one worker's epoch from {@code startBatch}, one list per minibatch. */
  static List<List<Integer>> batches(TrainingData data, int worker, int epoch, long startBatch) {
    try (WorkerStream s = data.stream(worker, BATCH, b -> null)) {
      s.begin(epoch, startBatch);
      List<List<Integer>> out = new ArrayList<>();
      List<CsrBlock> blocks = new ArrayList<>();
      for (WorkerStream.Block b = s.next(); b != null; b = s.next()) {
        blocks.add(b.rows());
      }
      for (int i = 0; i < blocks.size(); i++) {
        CsrBlock b = blocks.get(i);
        if (i < blocks.size() - 1) {
          assertEquals(0, b.rows % BATCH, "every block but the last holds whole minibatches");
        }
        for (int from = 0; from < b.rows; from += BATCH) {
          List<Integer> batch = new ArrayList<>();
          for (int r = from; r < Math.min(b.rows, from + BATCH); r++) {
            batch.add((int) b.labels[r]);
            assertEquals(b.labels[r], b.keys[b.rowStart[r]], "row " + r + " came whole");
          }
          out.add(batch);
        }
      }
      assertEquals(s.batchesPerEpoch() - startBatch, out.size(), "batches counted from the row counts");
      return out;
    }
  }

  static void assertEpochCoversTheTrainingRowsOnce(int[] sizes, int workers, Double fraction) throws Exception {
    MemoryDataset data = numbered(sizes);
    TrainingData plan = plan(data, workers, fraction);
    int total = 0;
    for (int n : sizes) {
      total += n;
    }
    for (int epoch = 0; epoch < 3; epoch++) {
      Set<Integer> seen = new HashSet<>();
      long rows = 0;
      for (int w = 0; w < workers; w++) {
        for (List<Integer> batch : batches(plan, w, epoch, 0)) {
          for (int g : batch) {
            assertTrue(seen.add(g), "row " + g + " seen twice in epoch " + epoch);
            rows++;
          }
        }
      }
      assertEquals(plan.trainRows, rows);
      for (int g = 0; g < total; g++) {
        boolean held = fraction != null && Keys.unit(g, SEED) < fraction;
        assertEquals(!held, seen.contains(g), "row " + g + (held ? " is held out" : " is a training row"));
      }
      assertEquals(total - plan.trainRows, plan.validationRows);
    }
  }

  @Test
  void eachEpochReadsEveryTrainingRowOnceAcrossWorkersWithMoreShardsThanWorkers() throws Exception {
    int[] sizes = {40, 33, 1, 58, 27};
    assertEpochCoversTheTrainingRowsOnce(sizes, 3, null);
    assertEpochCoversTheTrainingRowsOnce(sizes, 3, 0.2);
    assertEpochCoversTheTrainingRowsOnce(sizes, 1, 0.2);
  }

  @Test
  void eachEpochReadsEveryTrainingRowOnceAcrossWorkersWithFewerShardsThanWorkers() throws Exception {
    int[] sizes = {50, 61};
    assertEpochCoversTheTrainingRowsOnce(sizes, 3, null);
    assertEpochCoversTheTrainingRowsOnce(sizes, 3, 0.25);
    assertEpochCoversTheTrainingRowsOnce(new int[] {100}, 4, 0.1);
  }

  @Test
  void theOrderIsReproducibleFromTheSeedAndDiffersByEpoch() throws Exception {
    MemoryDataset data = numbered(40, 33, 1, 58, 27);
    TrainingData plan = plan(data, 2, 0.2);
    // Another plan of the same job: what a worker in another process computes.
    TrainingData again = plan(data, 2, 0.2);
    for (int w = 0; w < 2; w++) {
      assertEquals(batches(plan, w, 1, 0), batches(again, w, 1, 0));
      assertNotEquals(batches(plan, w, 1, 0), batches(plan, w, 2, 0));
    }
    // Shards are read in a shuffled order, rows within them too.
    List<Integer> first = batches(plan, 0, 0, 0).get(0);
    List<Integer> sorted = new ArrayList<>(first);
    sorted.sort(null);
    assertFalse(first.equals(sorted), "rows shuffled: " + first);
  }

  @Test
  void resumingAtMinibatchKYieldsTheRemainingMinibatches() throws Exception {
    for (int[] sizes : new int[][] {{40, 33, 1, 58, 27}, {50, 61}}) {
      MemoryDataset data = numbered(sizes);
      TrainingData plan = plan(data, 3, 0.2);
      for (int w = 0; w < 3; w++) {
        List<List<Integer>> whole = batches(plan, w, 4, 0);
        for (int k = 0; k <= whole.size(); k++) {
          assertEquals(whole.subList(k, whole.size()), batches(plan, w, 4, k), "worker " + w + " from batch " + k);
        }
      }
    }
  }

  @Test
  void batchCountsComeFromRowCountsAlone() throws Exception {
    MemoryDataset data = numbered(40, 33, 1, 58, 27);
    TrainingData plan = plan(data, 2, null);
    long rows0 = 40 + 1 + 27;
    long rows1 = 33 + 58;
    try (WorkerStream s0 = plan.stream(0, BATCH, b -> null); WorkerStream s1 = plan.stream(1, BATCH, b -> null)) {
      assertEquals(rows0, s0.rows());
      assertEquals(rows1, s1.rows());
      assertEquals((rows0 + BATCH - 1) / BATCH, s0.batchesPerEpoch());
      assertEquals((rows1 + BATCH - 1) / BATCH, s1.batchesPerEpoch());
    }
  }
}
