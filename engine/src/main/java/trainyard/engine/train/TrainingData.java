package trainyard.engine.train;

import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.metrics.MetricsAccumulator;
import trainyard.engine.model.Model;
import trainyard.engine.ps.Keys;
import trainyard.spec.JobSpec;

/**
 * The job's data as a plan, never loaded whole: which rows each worker trains on and which are
 * held out for validation, computed from the shards' row counts alone (dataset.json). Rows are
 * read shard by shard when a {@link WorkerStream} or the validation pass needs them.
 *
 * <p><b>Shares.</b> With at least as many shards as workers, shard s goes to worker s mod W;
 * otherwise each shard's training rows are cut into W contiguous slices, slice w for worker w.
 * A worker's share is a pure function of (dataset, w, W, seed), so a worker in another process
 * reads the same rows. <b>Validation fraction:</b> row g (0-based over the whole dataset) is held
 * out when {@code Keys.unit(g, seed) < fraction}, so reruns split alike; held-out rows are
 * skipped by the training streams and read, in dataset order, by {@link #evaluate}.
 *
 * <p>Immutable and thread-safe; the plan holds two ints and a long per shard and one
 * {@link Part} per shard and worker.
 */
final class TrainingData {
  /** Rows {@code [from, to)} of shard {@code shard}'s training rows (held-out rows skipped). */
  record Part(int shard, int from, int to) {
    int rows() {
      return to - from;
    }
  }

  final DatasetStats stats;
  final long trainRows;
  /** Rows the validation pass reads: held out, or the whole validation dataset; 0 when none. */
  final long validationRows;
  final Dataset train;
  /** The separate validation dataset, or null. */
  private final Dataset validation;
  /** 0 when nothing is held out. */
  private final double fraction;
  private final long seed;
  /** Per training shard: the global position of its first row. */
  private final long[] offsets;
  /** Per training shard: its rows that are not held out. */
  private final int[] kept;
  /** Per worker: its parts, in shard order. */
  private final Part[][] shares;

  private TrainingData(Dataset train, Dataset validation, double fraction, long seed, long[] offsets, int[] kept,
      Part[][] shares, long validationRows) {
    this.stats = train.stats();
    this.train = train;
    this.validation = validation;
    this.fraction = fraction;
    this.seed = seed;
    this.offsets = offsets;
    this.kept = kept;
    this.shares = shares;
    long n = 0;
    for (int k : kept) {
      n += k;
    }
    this.trainRows = n;
    this.validationRows = validationRows;
  }

  /**
   * Plans the data of a job with {@code workerCount} workers in all. Reads row counts only
   * ({@link Dataset#shardRows}); with a validation fraction it hashes every row position once.
   */
  static TrainingData plan(TrainRequest request, int workerCount) throws IOException {
    JobSpec spec = request.spec();
    Dataset train = request.train();
    double fraction = 0;
    if (request.validation() == null && spec.validation() != null && spec.validation().fraction() != null) {
      fraction = spec.validation().fraction();
    }
    long seed = spec.params().seed();
    int shards = train.shardCount();
    long[] offsets = new long[shards];
    int[] kept = new int[shards];
    long global = 0;
    long held = 0;
    for (int s = 0; s < shards; s++) {
      int rows = train.shardRows(s);
      offsets[s] = global;
      int k = rows;
      if (fraction > 0) {
        for (int r = 0; r < rows; r++) {
          if (Keys.unit(global + r, seed) < fraction) {
            k--;
          }
        }
      }
      kept[s] = k;
      held += rows - k;
      global += rows;
    }
    long validationRows = held;
    if (request.validation() != null) {
      validationRows = 0;
      for (int s = 0; s < request.validation().shardCount(); s++) {
        validationRows += request.validation().shardRows(s);
      }
    }
    return new TrainingData(train, request.validation(), fraction, seed, offsets, kept,
        shares(kept, workerCount), validationRows);
  }

  private static Part[][] shares(int[] kept, int workerCount) {
    Part[][] out = new Part[workerCount][];
    int shards = kept.length;
    for (int w = 0; w < workerCount; w++) {
      if (shards >= workerCount) {
        out[w] = new Part[(shards - w + workerCount - 1) / workerCount];
        for (int s = w, i = 0; s < shards; s += workerCount, i++) {
          out[w][i] = new Part(s, 0, kept[s]);
        }
      } else {
        out[w] = new Part[shards];
        for (int s = 0; s < shards; s++) {
          out[w][s] = new Part(s, (int) ((long) kept[s] * w / workerCount), (int) ((long) kept[s] * (w + 1) / workerCount));
        }
      }
    }
    return out;
  }

  int workerCount() {
    return shares.length;
  }

  /** Worker {@code w}'s parts in shard order. */
  Part[] share(int w) {
    return shares[w].clone();
  }

  /** Training rows of worker {@code w} per epoch. */
  long shareRows(int w) {
    long n = 0;
    for (Part p : shares[w]) {
      n += p.rows();
    }
    return n;
  }

  boolean hasValidation() {
    return validationRows > 0;
  }

  /**
   * A stream of worker {@code w}'s rows in minibatch order (see {@link WorkerStream}); {@code
   * indexer} runs on its read-ahead thread for every block. The caller closes it.
   */
  WorkerStream stream(int w, int batchSize, Function<CsrBlock, Object> indexer) {
    return new WorkerStream(this, w, batchSize, seed, indexer);
  }

  /** The rows of {@code block} (shard {@code s}, read whole) that are not held out, ascending. */
  int[] trainingRows(int s, CsrBlock block) {
    int[] rows = new int[kept[s]];
    if (fraction == 0) {
      for (int r = 0; r < rows.length; r++) {
        rows[r] = r;
      }
      return rows;
    }
    long first = offsets[s];
    int n = 0;
    for (int r = 0; r < block.rows; r++) {
      if (Keys.unit(first + r, seed) >= fraction) {
        rows[n++] = r;
      }
    }
    return rows;
  }

  /**
   * Validation metrics of {@code model}, read and predicted shard by shard: memory holds one
   * shard, its predictions and what {@link MetricsAccumulator} keeps (4 bytes a row for AUC).
   * The rows come in dataset order, so the metrics equal {@link Model#evaluate} on one block of
   * them. Empty when the job has no validation data.
   */
  Map<String, Double> evaluate(Model model) throws IOException {
    MetricsAccumulator acc = model.newMetrics();
    if (validation != null) {
      for (int s = 0; s < validation.shardCount(); s++) {
        CsrBlock block = validation.shard(s);
        acc.add(model.predict(block), block.labels, block.rows);
      }
    } else if (fraction > 0) {
      for (int s = 0; s < train.shardCount(); s++) {
        int rows = train.shardRows(s);
        if (rows == kept[s]) {
          continue;
        }
        CsrBlock shard = train.shard(s);
        long[] refs = new long[rows - kept[s]];
        int n = 0;
        for (int r = 0; r < shard.rows; r++) {
          if (Keys.unit(offsets[s] + r, seed) < fraction) {
            refs[n++] = Rows.ref(0, r);
          }
        }
        CsrBlock held = Rows.gather(java.util.List.of(shard), refs);
        acc.add(model.predict(held), held.labels, held.rows);
      }
    }
    return acc.result();
  }

  /** Calls {@code visitor} with every shard of the training and validation data, one at a time. */
  void forEachShard(BlockVisitor visitor) throws IOException {
    for (int s = 0; s < train.shardCount(); s++) {
      visitor.visit(train.shard(s));
    }
    if (validation != null) {
      for (int s = 0; s < validation.shardCount(); s++) {
        visitor.visit(validation.shard(s));
      }
    }
  }

  /** Receives blocks of rows. */
  interface BlockVisitor {
    void visit(CsrBlock block);
  }

  /**
   * The shuffle of an epoch: the same for a given (seed, epoch, worker, shard) whatever ran
   * before; shard -1 orders the worker's shards.
   */
  static SplittableRandom random(long seed, int epoch, int worker, int shard) {
    return new SplittableRandom(Keys.mix(Keys.mix(Keys.mix(seed * 0x9E3779B97F4A7C15L + epoch) + worker) + shard));
  }

  static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  @Override
  public String toString() {
    return "TrainingData[" + trainRows + " training rows in " + offsets.length + " shards, " + validationRows
        + " validation rows, " + shares.length + " workers]";
  }
}
