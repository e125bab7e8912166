package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.testing.Specs;
import trainyard.spec.JobSpec;

class MemoryEstimateTest {
  static DatasetStats ctr(long rows, int shards) {
    return new DatasetStats(rows, 674_657, rows * 39, rows / 4, rows - rows / 4, rows * 164, shards, 0, false, "x", -1, -1);
  }

  @Test
  void theDatasetSizeDoesNotGrowTheEstimateButTheModelDoes() {
    JobSpec lr = Specs.linear("ftrl", 0.05, 1, 1000, 1, 2, 4);
    long oneMillion = MemoryEstimate.heapBytesPerMember(lr, ctr(1_000_000, 16), 1, 0);
    long tenMillion = MemoryEstimate.heapBytesPerMember(lr, ctr(10_000_000, 160), 1, 0);
    // Same shard size, same keys: only the validation part could grow, and there is none.
    assertEquals(oneMillion, tenMillion);
    DatasetStats moreKeys = new DatasetStats(1_000_000, 10_000_000, 39_000_000, 0, 0, 0, 16, 0, false, "x", -1, -1);
    assertTrue(MemoryEstimate.heapBytesPerMember(lr, moreKeys, 1, 0) > oneMillion + 10_000_000L * 60);
  }

  @Test
  void membersSplitTheModelAndTheWorkers() {
    JobSpec fm = Specs.spec("fm", "logistic", "adagrad", 0.02, 0, 0.01, 8, 1, 500, new int[0], 50, 4, 4, 4, null, 0, 1);
    long one = MemoryEstimate.bytesPerMember(fm, ctr(1_000_000, 16), 1);
    long two = MemoryEstimate.bytesPerMember(fm, ctr(1_000_000, 16), 2);
    assertTrue(two < one && two > one / 2 - MemoryEstimate.JVM_OVERHEAD, one + " vs " + two);
    assertEquals(one, MemoryEstimate.heapBytesPerMember(fm, ctr(1_000_000, 16), 1, 0) + MemoryEstimate.JVM_OVERHEAD);
    assertThrows(IllegalArgumentException.class, () -> MemoryEstimate.bytesPerMember(fm, ctr(10, 1), 0));
  }

  /**
   * Rank 0 writes the model one server shard at a time: a shard's keys with their pulled values as
   * sorted for the file, 8 + 4 = 12 bytes a key of a linear model, and over several members with
   * their state as read from the checkpoint first. The best epoch's model, with early stopping, is
   * kept on disk.
   */
  @Test
  void theExportHoldsOneShardAndEarlyStoppingKeepsItsBestOnDisk() {
    JobSpec lr = Specs.spec("linear", "logistic", "ftrl", 0.05, 0, 0, 8, 1, 1000, new int[0], 0, 1, 8, 4, 0.1, 0, 42);
    JobSpec patient = new JobSpec(lr.name(), lr.algorithm(), lr.dataset(), lr.validation(), lr.params(), lr.resources(),
        lr.consistency(), new JobSpec.Stopping(3600, 300, 2, JobSpec.Stopping.VAL_LOGLOSS), 0);
    long keys = 674_657 + 1;
    long shardKeys = (keys + 7) / 8;
    assertEquals(MemoryEstimate.heapBytesPerMember(lr, ctr(1_000_000, 16), 4, 0),
        MemoryEstimate.heapBytesPerMember(patient, ctr(1_000_000, 16), 4, 0));
    // the cache may take the room of the model exported at the end; with early stopping models are
    // exported while epochs train, and it may not
    long heap = MemoryEstimate.heapBytesPerMember(lr, ctr(1_000_000, 16), 1, 0);
    assertEquals(1.25 * 12 * shardKeys, MemoryEstimate.cacheBytes(lr, ctr(1_000_000, 16), 0, (1L << 30) + heap) - (1L << 30), 1);
    heap = MemoryEstimate.heapBytesPerMember(patient, ctr(1_000_000, 16), 1, 0);
    assertEquals(1L << 30, MemoryEstimate.cacheBytes(patient, ctr(1_000_000, 16), 0, (1L << 30) + heap));
    // More servers, smaller shards: an FM of dim 64 over 16 servers exports a quarter of what it does over 4,
    // 16 + 4 · (4 + 65) + 8 · 64 = 804 bytes a key of a shard (AdaGrad's w and n, the count and V's slot; V and its sums)
    JobSpec wide4 = Specs.spec("fm", "logistic", "adagrad", 0.02, 0, 0.01, 64, 1, 500, new int[0], 0, 4, 4, 4, null, 0, 1);
    JobSpec wide16 = Specs.spec("fm", "logistic", "adagrad", 0.02, 0, 0.01, 64, 1, 500, new int[0], 0, 4, 16, 4, null, 0, 1);
    long one4 = MemoryEstimate.heapBytesPerMember(wide4, ctr(1_000_000, 16), 4, 0);
    long one16 = MemoryEstimate.heapBytesPerMember(wide16, ctr(1_000_000, 16), 4, 0);
    assertEquals(1.25 * 804 * ((keys + 3) / 4 - (keys + 15) / 16), one4 - one16, 1);
    long model = keys * (56 + 4 * 3); // FTRL's state: weight, z, n
    long four = MemoryEstimate.heapBytesPerMember(lr, ctr(1_000_000, 16), 4, 0);
    long eight = MemoryEstimate.heapBytesPerMember(lr, ctr(1_000_000, 16), 8, 0);
    // rank 0 holds the shares of a validation block, 4 bytes a row (62,500 a shard), from each member and its own;
    // a member reads its keys' values (4 bytes a key) to score them
    double shares = 4.0 * 62_500 * (4 + 1) - 4.0 * 62_500 * (8 + 1);
    double values = 4 * keys / 4 - 4 * keys / 8;
    assertEquals(1.25 * (model / 4.0 - model / 8.0 + shares + values), four - eight, 2);
  }

  @Test
  void aValidationFractionAddsFourBytesAHeldOutRow() {
    JobSpec plain = Specs.spec("linear", "logistic", "ftrl", 0.1, 0, 0, 8, 1, 1000, new int[0], 0, 1, 1, 0, null, 0, 1);
    JobSpec held = Specs.spec("linear", "logistic", "ftrl", 0.1, 0, 0, 8, 1, 1000, new int[0], 0, 1, 1, 0, 0.1, 0, 1);
    long a = MemoryEstimate.heapBytesPerMember(plain, ctr(10_000_000, 153), 1, 0);
    long b = MemoryEstimate.heapBytesPerMember(held, ctr(10_000_000, 153), 1, 0);
    // and one held-out shard with its predictions (a shard of 16 bytes an entry and 8 a row, 4 bytes
    // a row), its handles (4 bytes an entry), the shares of its scores (4 bytes a row, twice) and
    // the values of the keys that score them (4 bytes a key)
    long shard = 16L * 39 * 65_360 + 8 * 65_360;
    long scoring = 4L * 39 * 65_360 + 2 * 4 * 65_360 + 4 * (674_657 + 1);
    assertTrue(b - a > 1.25 * 4 * 1_000_000 && b - a < 1.25 * (4 * 1_000_000 + shard + 4 * 65_360 + scoring) + 64,
        (b - a) + " bytes");
  }

  @Test
  void theOneMillionRowJobFitsAnExecutorOfAOneGigabyteServer() {
    // The job: LR on 1M rows x 39 entries, ids up to 2^20; the all-in-one server at
    // -Xmx1g offers 3/4 of its heap to jobs. Measured: 237 MiB live with 2 workers, no cache.
    JobSpec lr = Specs.spec("linear", "logistic", "ftrl", 0.1, 0, 0, 8, 3, 1000, new int[0], 0, 2, 2, 4, 0.1, 0, 1);
    long member = MemoryEstimate.bytesPerMember(lr, ctr(1_000_000, 16), 1);
    long heap = MemoryEstimate.heapBytesPerMember(lr, ctr(1_000_000, 16), 1, 0);
    assertTrue(member < 768L << 20, (member >> 20) + " MiB");
    assertTrue(heap > 237L << 20, "above the measured live heap: " + (heap >> 20) + " MiB");
  }

  @Test
  void aWholeCachedTrainingSetIsTwentyBytesAnEntryAndSixteenARow() {
    assertEquals(20L * 39_000_000 + 16 * 1_000_000, MemoryEstimate.cachedDataBytes(ctr(1_000_000, 16)));
  }

  @Test
  void theMlpCountsItsParameters() {
    JobSpec mlp = Specs.spec("mlp", "softmax", "adam", 0.003, 0, 0, 8, 1, 32, new int[] {256}, 0, 2, 2, 1, null, 0, 6);
    DatasetStats images = new DatasetStats(60_000, 785, 60_000L * 785, 0, 0, 0, 1, 0, false, "x", 784, 10);
    long heap = MemoryEstimate.heapBytesPerMember(mlp, images, 1, 0);
    long params = 786L * 256 + 257 * 10;
    assertTrue(heap > params * 4 * 4, heap + " bytes for " + params + " parameters");
  }

  /**
   * A dense input is as wide as the largest feature id + 1, however few ids occur; softmax has as
   * many outputs as the labels have classes.
   */
  @Test
  void theMlpIsAsWideAsTheLargestIdAndItsClasses() {
    JobSpec mlp = Specs.spec("mlp", "softmax", "adam", 0.003, 0, 0, 8, 1, 32, new int[] {64}, 0, 1, 1, 1, null, 0, 6);
    DatasetStats twoIds = new DatasetStats(1000, 2, 2000, 0, 0, 0, 1, 0, false, "x", 1 << 20, 3);
    long wideInput = (1L << 20) * 64 * 4 * 3; // weights, adam's two moments
    assertTrue(MemoryEstimate.heapBytesPerMember(mlp, twoIds, 1, 0) > wideInput);
    DatasetStats manyClasses = new DatasetStats(1000, 2, 2000, 0, 0, 0, 1, 0, false, "x", 1, 9000);
    assertTrue(MemoryEstimate.heapBytesPerMember(mlp, manyClasses, 1, 0) > 65L * 9000 * 4 * 3);
  }
}
