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
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.model.KeySpace;
import trainyard.engine.model.LinearAlgorithm;
import trainyard.engine.model.Loss;
import trainyard.engine.model.ScoreShares;
import trainyard.engine.ps.KVWorker;
import trainyard.engine.ps.ParameterServer;
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
      return batches(s, epoch, startBatch);
    }
  }

  static List<List<Integer>> batches(WorkerStream s, int epoch, long startBatch) {
    s.begin(epoch, startBatch);
    List<List<Integer>> out = new ArrayList<>();
    for (WorkerStream.Block b = s.next(); b != null; b = s.next()) {
      CsrBlock rows = b.rows();
      for (int k : b.batches()) {
        List<Integer> batch = new ArrayList<>();
        for (int r = k * BATCH; r < Math.min(rows.rows, (k + 1) * BATCH); r++) {
          batch.add((int) rows.labels[r]);
          assertEquals(rows.labels[r], rows.keys[rows.rowStart[r]], "row " + r + " came whole");
        }
        assertFalse(batch.isEmpty(), "minibatch " + k + " of a block of " + rows.rows + " rows");
        out.add(batch);
      }
    }
    assertEquals(s.batchesPerEpoch() - startBatch, out.size(), "batches counted from the row counts");
    return out;
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
    List<Integer> all = new ArrayList<>();
    batches(plan, 0, 0, 0).forEach(all::addAll);
    List<Integer> sorted = new ArrayList<>(all);
    sorted.sort(null);
    assertFalse(all.equals(sorted), "rows shuffled: " + all);
  }

  @Test
  void rowsAreShuffledOnceAndEachEpochReordersTheSameMinibatches() throws Exception {
    MemoryDataset data = numbered(40, 33, 1, 58, 27);
    TrainingData plan = plan(data, 2, 0.2);
    for (int w = 0; w < 2; w++) {
      List<List<Integer>> first = batches(plan, w, 0, 0);
      for (int epoch = 1; epoch < 4; epoch++) {
        List<List<Integer>> other = batches(plan, w, epoch, 0);
        assertNotEquals(first, other);
        assertEquals(new HashSet<>(first), new HashSet<>(other), "worker " + w + ", epoch " + epoch);
      }
      // A minibatch's rows are contiguous in the fixed order of one shard: never two shards.
      for (List<Integer> batch : first) {
        int shard = shardOf(batch.get(0), 40, 33, 1, 58, 27);
        for (int g : batch) {
          assertEquals(shard, shardOf(g, 40, 33, 1, 58, 27), "batch " + batch);
        }
      }
    }
  }

  static int shardOf(int g, int... sizes) {
    int s = 0;
    while (g >= sizes[s]) {
      g -= sizes[s++];
    }
    return s;
  }

  /**
   * On a one-shard dataset the order is the engine's before streaming (whole shares in memory):
   * each worker's rows shuffled once by {@code SplittableRandom(seed·31 + w)}, the minibatch order
   * of epoch e by {@code SplittableRandom(seed·0x9E3779B97F4A7C15 + e·1000003 + w)}.
   */
  @Test
  void aOneShardDatasetKeepsTheOrderOfBeforeStreaming() throws Exception {
    MemoryDataset data = numbered(200);
    TrainingData plan = plan(data, 2, 0.2);
    for (int w = 0; w < 2; w++) {
      List<Integer> kept = new ArrayList<>();
      for (int g = 0; g < 200; g++) {
        if (Keys.unit(g, SEED) >= 0.2) {
          kept.add(g);
        }
      }
      List<Integer> mine = new ArrayList<>(kept.subList(kept.size() * w / 2, kept.size() * (w + 1) / 2));
      java.util.SplittableRandom rows = new java.util.SplittableRandom(SEED * 31 + w);
      for (int i = mine.size() - 1; i > 0; i--) {
        java.util.Collections.swap(mine, i, rows.nextInt(i + 1));
      }
      for (int epoch = 0; epoch < 3; epoch++) {
        int n = (mine.size() + BATCH - 1) / BATCH;
        int[] order = TrainingData.identity(n);
        TrainingData.shuffle(order, new java.util.SplittableRandom(SEED * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + w));
        List<List<Integer>> expected = new ArrayList<>();
        for (int b : order) {
          expected.add(mine.subList(b * BATCH, Math.min(mine.size(), (b + 1) * BATCH)));
        }
        assertEquals(expected, batches(plan, w, epoch, 0), "worker " + w + ", epoch " + epoch);
      }
    }
  }

  /** A dataset that counts its shard reads. */
  static final class Counting implements trainyard.engine.data.Dataset {
    final MemoryDataset inner;
    final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

    Counting(MemoryDataset inner) {
      this.inner = inner;
    }

    @Override
    public trainyard.engine.data.DatasetStats stats() {
      return inner.stats();
    }

    @Override
    public int shardCount() {
      return inner.shardCount();
    }

    @Override
    public CsrBlock shard(int index) {
      reads.incrementAndGet();
      return inner.shard(index);
    }

    @Override
    public int shardRows(int index) {
      return inner.shard(index).rows;
    }
  }

  static TrainingData plan(trainyard.engine.data.Dataset data, int workers, long cacheBytes) throws Exception {
    JobSpec spec = Specs.spec("linear", "logistic", "ftrl", 0.1, 0, 0, 8, 2, BATCH, new int[0], 0, workers, 1, 0,
        0.2, 0, SEED);
    return TrainingData.plan(new TrainRequest(spec, data, null, null), workers, cacheBytes);
  }

  @Test
  void cachedBlocksGiveTheSameMinibatchesAndSpareTheReads() throws Exception {
    Counting uncachedData = new Counting(numbered(40, 33, 1, 58, 27));
    Counting cachedData = new Counting(numbered(40, 33, 1, 58, 27));
    TrainingData uncached = plan(uncachedData, 2, 0);
    TrainingData cached = plan(cachedData, 2, 1L << 30);
    java.util.concurrent.atomic.AtomicInteger uIndexed = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger cIndexed = new java.util.concurrent.atomic.AtomicInteger();
    try (WorkerStream u = uncached.stream(0, BATCH, b -> uIndexed.incrementAndGet());
        WorkerStream c = cached.stream(0, BATCH, b -> cIndexed.incrementAndGet())) {
      u.scan(b -> true);
      c.scan(b -> true);
      assertEquals(3, uncachedData.reads.get());
      assertEquals(3, cachedData.reads.get());
      assertEquals(0, cIndexed.get(), "the first pass indexes nothing");
      for (int epoch = 0; epoch < 3; epoch++) {
        assertEquals(batches(u, epoch, 0), batches(c, epoch, 0), "epoch " + epoch);
        assertEquals(batches(u, epoch, 5), batches(c, epoch, 5), "epoch " + epoch + " from batch 5");
      }
      // Uncached: every pass reads and indexes the parts it does not skip. Cached: the first pass read
      // them, the first epoch indexed them, and the same index objects come back.
      assertTrue(uncachedData.reads.get() >= 3 + 3 * 3, "reads: " + uncachedData.reads.get());
      assertEquals(uncachedData.reads.get() - 3, uIndexed.get());
      assertEquals(3, cachedData.reads.get());
      assertEquals(3, cIndexed.get());
      c.begin(3, 0);
      Object first = c.next().index();
      c.begin(4, 0);
      List<Object> again = new ArrayList<>();
      for (WorkerStream.Block b = c.next(); b != null; b = c.next()) {
        again.add(b.index());
      }
      assertTrue(again.contains(first));
    }
  }

  @Test
  void rowsStayCachedWhenTheirIndexFindsNoRoom() throws Exception {
    // A budget that the rows of worker 0's parts fill exactly: their indexes find no room.
    TrainingData sizing = plan(numbered(40, 33, 1, 58, 27), 2, 1L << 30);
    try (WorkerStream s = sizing.stream(0, BATCH, b -> null)) {
      s.scan(b -> true);
    }
    long rowBytes = (1L << 30) - sizing.cacheLeft();
    Counting data = new Counting(numbered(40, 33, 1, 58, 27));
    TrainingData tight = plan(data, 2, rowBytes);
    java.util.concurrent.atomic.AtomicInteger indexed = new java.util.concurrent.atomic.AtomicInteger();
    try (WorkerStream c = tight.stream(0, BATCH, b -> indexed.incrementAndGet())) {
      c.scan(b -> true);
      assertEquals(0, tight.cacheLeft(), "the rows took the whole budget");
      List<List<Integer>> first = batches(c, 0, 0);
      for (int epoch = 1; epoch < 3; epoch++) {
        batches(c, epoch, 0);
      }
      assertEquals(3, data.reads.get(), "the rows were read once");
      assertEquals(3 * 3, indexed.get(), "and indexed again every epoch");
      assertEquals(first, batches(c, 0, 0));
    }
  }

  /** Four shards of 300 rows over 50 features, for the validation tests. */
  static List<CsrBlock> fourShards() {
    List<CsrBlock> shards = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      shards.add(trainyard.engine.testing.Synthetic.sparseBinary(300, 50, 5, 0.1, s));
    }
    return shards;
  }

  /** One worker, one epoch, 20% of the rows held out for validation. */
  static JobSpec heldOutSpec(String optimizer) {
    return Specs.spec("linear", "logistic", optimizer, 0.1, 0, 0, 8, 1, BATCH, new int[0], 0, 1, 1, 0, 0.2, 0, SEED);
  }

  @Test
  void heldOutRowsAreReadOnceWhenTheCacheHasRoomAndValidateAlike() throws Exception {
    List<CsrBlock> shards = fourShards();
    JobSpec spec = heldOutSpec("ftrl");
    trainyard.engine.model.Model model = Trainer.train(new TrainRequest(spec, new MemoryDataset(shards), null, null),
        TrainListener.NONE, () -> false).model();
    Counting uncachedData = new Counting(new MemoryDataset(shards));
    Counting cachedData = new Counting(new MemoryDataset(shards));
    TrainingData uncached = TrainingData.plan(new TrainRequest(spec, uncachedData, null, null).withCacheBytes(0), 1);
    TrainingData cached = TrainingData.plan(new TrainRequest(spec, cachedData, null, null), 1, 1L << 30);
    java.util.Map<String, Double> first = cached.evaluate(model);
    assertEquals(4, cachedData.reads.get());
    for (int epoch = 0; epoch < 3; epoch++) {
      assertEquals(first, cached.evaluate(model), "cached rows validate as read ones");
      assertEquals(first, uncached.evaluate(model), "read rows validate alike every time");
    }
    assertEquals(4, cachedData.reads.get(), "the held-out rows were read once");
    assertEquals(4 * 3, uncachedData.reads.get(), "without room, every validation reads every shard");
  }

  @Test
  void validationSharesKeepTheirHandlesWhileTheServersHoldTheSameKeys() throws Exception {
    List<CsrBlock> shards = fourShards();
    JobSpec spec = heldOutSpec("sgd");
    LinearAlgorithm algorithm = new LinearAlgorithm(Loss.LOGISTIC, "sgd", 1.0, 0, 0, new KeySpace(64, 0));
    ScoreShares scores = algorithm.scoreShares();
    TrainingData cached = TrainingData.plan(new TrainRequest(spec, new MemoryDataset(shards), null, null), 1, 1L << 30);
    TrainingData uncached = TrainingData.plan(new TrainRequest(spec, new MemoryDataset(shards), null, null)
        .withCacheBytes(0), 1);
    try (ParameterServer ps = new ParameterServer(algorithm.keyRanges(2), algorithm::newUpdater, 64, "shares",
        ParameterServer.Mode.DIRECT)) {
      KVWorker kv = ps.newWorker();
      // First half the features, then all of them: the second time the handles must be looked up again.
      for (int features : new int[] {25, 50}) {
        long[] keys = new long[features];
        float[] grads = new float[features];
        for (int f = 0; f < features; f++) {
          keys[f] = Keys.mix(f);
          grads[f] = (f % 7) - 3;
        }
        java.util.Arrays.sort(keys);
        kv.push(keys, grads);
        kv.waitAll();
        for (int epoch = 0; epoch < 2; epoch++) {
          for (int b = 0; b < cached.validationBlocks(); b++) {
            float[] expected = uncached.share(b, scores, ps.reader());
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, cached.share(b, scores, ps.reader()),
                features + " features, block " + b + ", epoch " + epoch);
          }
        }
      }
    }
  }

  @Test
  void aSmallCacheKeepsWhatFitsAndReadsTheRest() throws Exception {
    Counting data = new Counting(numbered(40, 33, 1, 58, 27));
    // Room for one part of about 30 rows (12 bytes an entry, 8 a row, 256 a block), not two.
    TrainingData plan = plan(data, 1, 800);
    TrainingData reference = plan(numbered(40, 33, 1, 58, 27), 1, 0);
    try (WorkerStream s = plan.stream(0, BATCH, b -> null)) {
      s.scan(b -> true);
      int afterScan = data.reads.get();
      assertEquals(5, afterScan);
      for (int epoch = 0; epoch < 2; epoch++) {
        assertEquals(batches(reference, 0, epoch, 0), batches(s, epoch, 0));
      }
      assertEquals(afterScan + 2 * 4, data.reads.get(), "one of five parts cached");
    }
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
    try (WorkerStream s0 = plan.stream(0, BATCH, b -> null); WorkerStream s1 = plan.stream(1, BATCH, b -> null)) {
      assertEquals(40 + 1 + 27, s0.rows());
      assertEquals(33 + 58, s1.rows());
      // Minibatches do not span shards: each part has ceil(rows / batch) of them.
      assertEquals(6 + 1 + 4, s0.batchesPerEpoch());
      assertEquals(5 + 9, s1.batchesPerEpoch());
    }
  }
}
