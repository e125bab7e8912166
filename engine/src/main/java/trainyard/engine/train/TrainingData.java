package trainyard.engine.train;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.metrics.MetricsAccumulator;
import trainyard.engine.model.Model;
import trainyard.engine.model.ScoreShares;
import trainyard.engine.ps.Keys;
import trainyard.engine.ps.ParameterServer;
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
 * <p><b>Cache.</b> The job's streams keep the blocks they prepared (rows in training order, keys
 * converted) for later epochs within a budget of heap shared by the job ({@link #reserveCache}):
 * by default the heap {@link MemoryEstimate} does not claim for the job ({@code -Xmx} minus its
 * estimate), or the system property {@code trainyard.engine.data.cacheBytes}. The streams hold
 * them through soft references, so the collector drops them before an OutOfMemoryError. The
 * validation rows are cached the same way, from the same budget.
 *
 * <p>Thread-safe; the plan is immutable and holds two ints and a long per shard and one
 * {@link Part} per shard and worker; the cache budget is an atomic counter.
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
  /** Bytes the job's streams may still keep as cached blocks. */
  private final AtomicLong cacheLeft;
  /** Per validation block: its rows once read, and their handles once looked up (under this object's lock). */
  private final SoftReference<Held>[] heldCache;
  /** Per validation block: whether the budget holds room for its rows. */
  private final boolean[] heldCached;
  /** Per validation block: whether the budget holds room for its rows' handles too. */
  private final boolean[] handlesCached;
  /**
   * The validation block read last, cached or not: rank 0's member scores its share of a block
   * and the coordinator then adds the block's labels, so without room in the cache a block is
   * still read once an epoch, not twice. One shard, as the estimate counts.
   */
  private Held lastRead;
  private int lastReadBlock = -1;
  /** The servers' values that validation reads, while they stand still; and the reader's key count then. */
  private float[] values;
  private long valuesKeys;

  private TrainingData(Dataset train, Dataset validation, double fraction, long seed, long[] offsets, int[] kept,
      Part[][] shares, long validationRows, long cacheBytes) {
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
    this.cacheLeft = new AtomicLong(Math.max(0, cacheBytes));
    @SuppressWarnings("unchecked")
    SoftReference<Held>[] held = new SoftReference[validation != null ? validation.shardCount() : offsets.length];
    this.heldCache = held;
    this.heldCached = new boolean[held.length];
    this.handlesCached = new boolean[held.length];
  }

  /**
   * Plans the data of a job with {@code workerCount} workers in all. Reads row counts only
   * ({@link Dataset#shardRows}); with a validation fraction it hashes every row position once.
   */
  static TrainingData plan(TrainRequest request, int workerCount) throws IOException {
    return plan(request, workerCount, request.cacheBytes());
  }

  /**
   * As {@link #plan(TrainRequest, int)} with a cache budget of {@code cacheBytes} for the job's
   * streams; -1 for the default (see the class comment).
   */
  static TrainingData plan(TrainRequest request, int workerCount, long cacheBytes) throws IOException {
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
    if (cacheBytes < 0) {
      cacheBytes = defaultCacheBytes(spec, train, request.validation() == null ? 0 : validationRows);
    }
    return new TrainingData(train, request.validation(), fraction, seed, offsets, kept,
        shares(kept, workerCount), validationRows, cacheBytes);
  }

  /**
   * The heap this job's estimate ({@link MemoryEstimate#cacheBytes}, an upper bound) leaves free
   * under {@code -Xmx}, unless the system property {@code trainyard.engine.data.cacheBytes} gives a
   * number of bytes (-1: this default).
   */
  private static long defaultCacheBytes(JobSpec spec, Dataset train, long separateValidationRows) {
    String forced = System.getProperty("trainyard.engine.data.cacheBytes", "");
    if (!forced.isEmpty() && !forced.equals("-1")) {
      try {
        return Long.parseLong(forced);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("trainyard.engine.data.cacheBytes must be a number of bytes, got '" + forced + "'");
      }
    }
    return MemoryEstimate.cacheBytes(spec, train.stats(), separateValidationRows, Runtime.getRuntime().maxMemory());
  }

  /** What is left of the job's cache budget. */
  long cacheLeft() {
    return cacheLeft.get();
  }

  /** Takes {@code bytes} of the job's cache budget; false (and nothing taken) when it has not that much left. */
  boolean reserveCache(long bytes) {
    while (true) {
      long left = cacheLeft.get();
      if (left < bytes) {
        return false;
      }
      if (cacheLeft.compareAndSet(left, left - bytes)) {
        return true;
      }
    }
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
   * indexer} runs on its read-ahead thread for every block it prepares (a cached block keeps what
   * it made). The caller closes it.
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
   * Validation metrics of {@code model}, predicted shard by shard: beyond the cached validation
   * rows, memory holds one shard, its predictions and what {@link MetricsAccumulator} keeps (4
   * bytes a row for AUC).
   * The rows come in dataset order, so the metrics equal {@link Model#evaluate} on one block of
   * them. Empty when the job has no validation data.
   */
  synchronized Map<String, Double> evaluate(Model model) throws IOException {
    MetricsAccumulator acc = model.newMetrics();
    for (int s = 0; s < validationBlocks(); s++) {
      Held h = validationBlock(s);
      if (h != null) {
        acc.add(model.predict(h.rows), h.rows.labels, h.rows.rows);
      }
    }
    return acc.result();
  }

  /** Validation blocks: the validation dataset's shards, or the training shards' held-out rows; 0 when none. */
  int validationBlocks() {
    return validation != null ? validation.shardCount() : fraction > 0 ? train.shardCount() : 0;
  }

  /**
   * The share of validation block {@code b}'s scores that the keys {@code reader} holds make
   * ({@link ScoreShares}), or null when the block has no validation rows. Looking the rows'
   * features up is most of the work, and a job's servers keep the same keys from epoch to epoch:
   * the handles are kept with the cached rows (4 bytes an entry, budget permitting) and serve
   * while the reader holds as many keys as when they were looked up (shards never drop one).
   * The servers' values are read once for all blocks ({@link ParameterServer.Reader#values}),
   * and kept until {@link #releaseValues}.
   */
  synchronized float[] share(int b, ScoreShares scores, ParameterServer.Reader reader) throws IOException {
    Held h = validationBlock(b);
    if (h == null) {
      return null;
    }
    int[] handles = h.handles != null && h.handleKeys == reader.keys() ? h.handles
        : ScoreShares.handles(h.rows, reader);
    if (h.handles != handles && heldCached[b] && (handlesCached[b] || reserveCache(4L * handles.length))) {
      handlesCached[b] = true;
      h.handles = handles;
      h.handleKeys = reader.keys();
    }
    if (values == null || valuesKeys != reader.keys()) {
      values = reader.values();
      valuesKeys = reader.keys();
    }
    float[] share = new float[h.rows.rows * scores.width()];
    scores.add(h.rows, handles, values, ScoreShares.bias(reader), share);
    return share;
  }

  /** Forgets the servers' values that {@link #share} read: they are about to train. */
  synchronized void releaseValues() {
    values = null;
  }

  /** Adds the predictions made of validation block {@code b}'s summed shares, with its labels, to {@code acc}. */
  synchronized void addScores(int b, float[] sum, ScoreShares scores, MetricsAccumulator acc) throws IOException {
    Held h = validationBlock(b);
    acc.add(scores.predictions(sum, h.rows.rows), h.rows.labels, h.rows.rows);
  }

  /** A validation block's rows, and the handles of their features in a server reader (null until looked up). */
  private static final class Held {
    final CsrBlock rows;
    int[] handles;
    /** The reader's key count when the handles were looked up. */
    long handleKeys;

    Held(CsrBlock rows) {
      this.rows = rows;
    }
  }

  /**
   * The validation rows of shard {@code s} (of the validation dataset, or held out of the
   * training one; null when it holds none): from the cache, or read and then cached when the
   * budget has room, so later epochs validate without reading every training shard again.
   */
  private Held validationBlock(int s) throws IOException {
    Held cached = heldCache[s] == null ? null : heldCache[s].get();
    if (cached != null) {
      return cached;
    }
    if (lastReadBlock == s) {
      return lastRead;
    }
    CsrBlock rows = validation != null ? validation.shard(s) : heldOut(s);
    Held held = rows == null ? null : new Held(rows);
    lastReadBlock = s;
    lastRead = held;
    if (held == null) {
      return null;
    }
    if (heldCached[s] || reserveCache(WorkerStream.cachedBytes(rows))) {
      heldCached[s] = true; // reserved once: a block the collector dropped comes back in the same room
      heldCache[s] = new SoftReference<>(held);
    }
    return held;
  }

  /** The held-out rows of training shard {@code s}, in order; null when it has none. */
  private CsrBlock heldOut(int s) throws IOException {
    int rows = train.shardRows(s);
    if (rows == kept[s]) {
      return null;
    }
    CsrBlock shard = train.shard(s);
    long[] refs = new long[rows - kept[s]];
    int n = 0;
    for (int r = 0; r < shard.rows; r++) {
      if (Keys.unit(offsets[s] + r, seed) < fraction) {
        refs[n++] = Rows.ref(0, r);
      }
    }
    return Rows.gather(java.util.List.of(shard), refs);
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
   * The order of a worker's shards in an epoch: the same for a given (seed, epoch, worker)
   * whatever ran before. ({@code shard} is -1; other values are free for other uses.)
   */
  static SplittableRandom random(long seed, int epoch, int worker, int shard) {
    return new SplittableRandom(Keys.mix(Keys.mix(Keys.mix(seed * 0x9E3779B97F4A7C15L + epoch) + worker) + shard));
  }

  /**
   * The order of worker {@code worker}'s rows of shard {@code shard}, shuffled once per job: a
   * pure function of (seed, worker, shard), so a re-read or another process gets the same order.
   * For shard 0 it is the generator the engine used for a worker's whole share before data was
   * streamed ({@code Keys.mix(0) == 0}), so a one-shard dataset trains as it did then.
   */
  static SplittableRandom rowRandom(long seed, int worker, int shard) {
    return new SplittableRandom(seed * 31 + worker + Keys.mix(shard));
  }

  /**
   * The order of the minibatches of worker {@code worker}'s rows of shard {@code shard} in epoch
   * {@code epoch}: a pure function of (seed, epoch, worker, shard); for shard 0 the generator the
   * engine used for a worker's minibatch order before data was streamed.
   */
  static SplittableRandom batchRandom(long seed, int epoch, int worker, int shard) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + worker + Keys.mix(shard));
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
