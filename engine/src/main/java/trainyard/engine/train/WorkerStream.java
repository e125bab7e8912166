package trainyard.engine.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;
import trainyard.engine.data.CsrBlock;

/**
 * One worker's training rows, streamed shard by shard in minibatch order; never the whole share
 * unless it fits the job's cache.
 *
 * <p><b>Order.</b> The worker's rows of each shard (a {@link TrainingData.Part}) are shuffled
 * once per job, at read time, by {@link TrainingData#rowRandom}(seed, worker, shard): a pure
 * function, so a re-read gives the same order. A part's minibatches are contiguous runs of
 * {@code batchSize} rows of that order (its last one may be shorter), so rows are read
 * sequentially. Per epoch the parts are shuffled ({@link TrainingData#random}(seed, epoch,
 * worker, -1)) and so are the minibatches within each part ({@link TrainingData#batchRandom}(seed,
 * epoch, worker, shard)): the semantics the engine had before streaming (rows shuffled once, the
 * minibatch order every epoch), per shard. A worker thus has {@link #batchesPerEpoch()} = Σ over
 * its parts of {@code ceil(rows / batchSize)} minibatches an epoch, known from the row counts, and
 * {@link #begin}(epoch, k) starts at minibatch k without reading the parts it skips, yielding
 * exactly the minibatches an uninterrupted pass would have from there.
 *
 * <p><b>Blocks.</b> {@link #next} hands out one block per part: its rows in their shuffled
 * order, what the indexer made of them (sparse models: each minibatch's de-duplicated keys as
 * ranks in the worker's key dictionary), and the epoch's order of its minibatches. {@link #scan} is the first pass over
 * the parts, before any epoch, that builds that dictionary.
 *
 * <p><b>Cache.</b> A prepared block (rows shuffled, indexed) is kept for later epochs when the
 * job's cache budget ({@link TrainingData#reserveCache}) has room for it, through a soft
 * reference, and its index with it when the budget has room for that too ({@link #indexBytes});
 * so when the data fits, epochs after the first read no shard and build nothing, and when it does
 * not, the blocks beyond the budget, or dropped by the collector, are read and indexed again each
 * epoch (or only indexed again, when just the index found no room).
 *
 * <p><b>Memory</b> beyond the cache. A read-ahead thread prepares the next block while the worker
 * trains on the current one, so a worker holds at most: its current block and its index, the next
 * block and its index, and the shard being read (which {@link
 * trainyard.engine.data.ShardedDataset} reads through a 1 MiB buffer a thread): about three
 * shards, each at most {@link trainyard.engine.data.IngestOptions#rowsPerShard} rows and 4M
 * entries. See {@link MemoryEstimate}.
 *
 * <p>Not thread-safe: one worker thread calls {@link #scan}, {@link #begin} and {@link #next}; the
 * reading runs on a daemon thread of its own (which alone touches the cache), and the hand-over
 * through its futures publishes each block.
 */
final class WorkerStream implements AutoCloseable {
  /**
   * One part's rows in their shuffled order, what the indexer made of them, and this epoch's
   * minibatches of it that remain: minibatch {@code b} is rows {@code [b·batchSize,
   * min(rows, (b+1)·batchSize))}, for b in {@code batches} in that order.
   */
  record Block(CsrBlock rows, Object index, int[] batches) {}

  /** A part's rows in their shuffled order, and the indexer's result once {@code indexed}. */
  private record Prepared(CsrBlock rows, Object index, boolean indexed) {}

  private static final byte UNTRIED = 0;
  private static final byte CACHED = 1;
  private static final byte NO_ROOM = 2;

  private final TrainingData data;
  private final int worker;
  private final int batchSize;
  private final long seed;
  private final TrainingData.Part[] parts;
  private final long rows;
  private final long batches;
  private final Function<CsrBlock, Object> indexer;
  /** Per part: its prepared block while the collector keeps it (read-ahead thread only). */
  private final SoftReference<Prepared>[] cache;
  /** Per part: UNTRIED, CACHED (kept once, maybe dropped since) or NO_ROOM (read-ahead thread only). */
  private final byte[] cacheState;
  /** Per cached part: whether the budget also took its index (read-ahead thread only). */
  private final byte[] indexState;
  private ExecutorService reader;
  private Cursor cursor;
  private Future<Block> ahead;

  @SuppressWarnings("unchecked")
  WorkerStream(TrainingData data, int worker, int batchSize, long seed, Function<CsrBlock, Object> indexer) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    this.data = data;
    this.worker = worker;
    this.batchSize = batchSize;
    this.seed = seed;
    this.parts = data.share(worker);
    this.rows = data.shareRows(worker);
    long b = 0;
    for (TrainingData.Part p : parts) {
      b += batchesOf(p);
    }
    this.batches = b;
    this.indexer = indexer;
    this.cache = new SoftReference[parts.length];
    this.cacheState = new byte[parts.length];
    this.indexState = new byte[parts.length];
  }

  /** Training rows of this worker per epoch. */
  long rows() {
    return rows;
  }

  /** Minibatches per epoch: Σ over the parts of {@code ceil(rows / batchSize)}, known without reading a row. */
  long batchesPerEpoch() {
    return batches;
  }

  private int batchesOf(TrainingData.Part p) {
    return (int) (((long) p.rows() + batchSize - 1) / batchSize);
  }

  /**
   * The first pass: calls {@code visitor} with each part's rows (in their shuffled order), in
   * share order, until it returns false; reads one part ahead. Prepared blocks stay in the cache
   * where it has room, so the first epoch need not read them again.
   *
   * @throws UncheckedIOException when a shard cannot be read
   */
  void scan(Predicate<CsrBlock> visitor) {
    drop();
    Future<Prepared> next = null;
    int i = nextNonEmpty(0);
    if (i < parts.length) {
      next = submitPrepare(i, false);
    }
    while (next != null) {
      Prepared p = get(next);
      i = nextNonEmpty(i + 1);
      next = i < parts.length ? submitPrepare(i, false) : null;
      if (!visitor.test(p.rows())) {
        if (next != null) {
          next.cancel(false);
        }
        return;
      }
    }
  }

  private int nextNonEmpty(int from) {
    int i = from;
    while (i < parts.length && parts[i].rows() == 0) {
      i++;
    }
    return i;
  }

  private Future<Prepared> submitPrepare(int part, boolean index) {
    return reader().submit(() -> prepare(part, index));
  }

  /**
   * Starts epoch {@code epoch} at minibatch {@code startBatch} (0 for the whole epoch) and begins
   * reading its first block; a pass still running is dropped.
   */
  void begin(int epoch, long startBatch) {
    if (startBatch < 0 || startBatch > batchesPerEpoch()) {
      throw new IllegalArgumentException("startBatch must be in 0.." + batchesPerEpoch() + ", got " + startBatch);
    }
    drop();
    cursor = new Cursor(epoch, startBatch);
    Cursor c = cursor;
    ahead = reader().submit(c::next);
  }

  private void drop() {
    if (ahead != null) {
      ahead.cancel(false);
      ahead = null;
    }
  }

  private ExecutorService reader() {
    if (reader == null) {
      reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trainyard-data-" + worker);
        t.setDaemon(true);
        return t;
      });
    }
    return reader;
  }

  /**
   * The epoch's next block, or null after its last; waits for the read-ahead, then starts
   * reading the block after it.
   *
   * @throws UncheckedIOException when a shard cannot be read
   */
  Block next() {
    if (ahead == null) {
      return null;
    }
    Future<Block> f = ahead;
    ahead = null;
    Block b = get(f);
    if (b != null) {
      Cursor c = cursor;
      ahead = reader.submit(c::next);
    }
    return b;
  }

  private <T> T get(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading training data", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new UncheckedIOException("worker " + worker + " could not read its data: " + io.getMessage(), io);
      }
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.shutdownNow();
    }
    // The cache is the read-ahead thread's; once it is shut down nothing reads it.
    Arrays.fill(cache, null);
  }

  /**
   * Part {@code i}'s rows in their shuffled order, indexed when {@code index}: from the cache, or
   * read, shuffled and indexed, and then cached when the budget has room. Read-ahead thread only.
   */
  private Prepared prepare(int i, boolean index) throws IOException {
    SoftReference<Prepared> ref = cache[i];
    Prepared p = ref == null ? null : ref.get();
    if (p == null) {
      TrainingData.Part part = parts[i];
      CsrBlock shard = data.train.shard(part.shard());
      int[] mine = Arrays.copyOfRange(data.trainingRows(part.shard(), shard), part.from(), part.to());
      TrainingData.shuffle(mine, TrainingData.rowRandom(seed, worker, part.shard()));
      long[] refs = new long[mine.length];
      for (int r = 0; r < mine.length; r++) {
        refs[r] = Rows.ref(0, mine[r]);
      }
      // The copy into training order reads rows at random once; every pass after it (dictionary,
      // ranks, minibatches, each epoch) then reads sequentially. Without it they each read at
      // random, and an LR job took 1.55x as long (docs/PERFORMANCE.md, session 16).
      CsrBlock out = Rows.gather(List.of(shard), refs);
      p = new Prepared(out, null, false);
      if (cacheState[i] == UNTRIED) {
        cacheState[i] = data.reserveCache(cachedBytes(out)) ? CACHED : NO_ROOM;
      } else if (cacheState[i] == CACHED) {
        // The collector dropped it: memory is short, so this part is read again from now on.
        cacheState[i] = NO_ROOM;
      }
    }
    if (index && !p.indexed()) {
      Object built = indexer.apply(p.rows());
      p = new Prepared(p.rows(), built, true);
      if (cacheState[i] == CACHED && indexState[i] == UNTRIED) {
        indexState[i] = built == null || data.reserveCache(indexBytes(p.rows())) ? CACHED : NO_ROOM;
      }
    }
    // Rows whose index found no room stay cached without it: later epochs index them again.
    Prepared keep = indexState[i] == NO_ROOM && p.indexed() ? new Prepared(p.rows(), null, false) : p;
    if (cacheState[i] == CACHED && (ref == null || ref.get() != keep)) {
      cache[i] = new SoftReference<>(keep);
    } else if (cacheState[i] == NO_ROOM) {
      cache[i] = null;
    }
    return p;
  }

  /** What a cached block's rows hold: keys, values and fields an entry, offsets and label a row. */
  static long cachedBytes(CsrBlock b) {
    long entries = b.nonZeros();
    long perEntry = 8 + (b.values == null ? 0 : 4) + (b.fields == null ? 0 : 4);
    return entries * perEntry + 8L * b.rows + 256;
  }

  /**
   * At most what a sparse model's index of {@code b} holds ({@code SparseBatchCompute}'s kept
   * minibatches): per minibatch its occurrences (an int per entry and row) and its unique ranks
   * (at most as many), and 64 bytes of arrays and record.
   */
  long indexBytes(CsrBlock b) {
    return 8L * (b.nonZeros() + b.rows) + 64L * ((b.rows + batchSize - 1) / batchSize);
  }

  /** One pass over the epoch; runs on the read-ahead thread, one call at a time. */
  private final class Cursor {
    private final int epoch;
    private final int[] order;
    private int nextPart;
    /** Minibatches of the epoch still to skip before the first one handed out. */
    private long skip;

    Cursor(int epoch, long skip) {
      this.epoch = epoch;
      this.skip = skip;
      this.order = TrainingData.identity(parts.length);
      TrainingData.shuffle(order, TrainingData.random(seed, epoch, worker, -1));
    }

    Block next() throws IOException {
      while (nextPart < order.length) {
        int i = order[nextPart++];
        TrainingData.Part part = parts[i];
        int n = batchesOf(part);
        if (skip >= n) {
          skip -= n;
          continue;
        }
        int first = (int) skip;
        skip = 0;
        int[] perm = TrainingData.identity(n);
        TrainingData.shuffle(perm, TrainingData.batchRandom(seed, epoch, worker, part.shard()));
        Prepared p = prepare(i, true);
        return new Block(p.rows(), p.index(), first == 0 ? perm : Arrays.copyOfRange(perm, first, n));
      }
      return null;
    }
  }
}
