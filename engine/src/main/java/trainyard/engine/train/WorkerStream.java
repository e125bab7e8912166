package trainyard.engine.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import trainyard.engine.data.CsrBlock;

/**
 * One worker's training rows, streamed shard by shard in minibatch order; never the whole share.
 *
 * <p><b>Order.</b> Per epoch the worker's shards are shuffled, and so are the training rows within
 * each shard (the shuffle buffer is the shard), both by {@link TrainingData#random}(seed, epoch,
 * worker, ·). The epoch is the concatenation of those rows; minibatch b is its rows
 * {@code [b·batchSize, (b+1)·batchSize)}, so a worker has {@code ceil(rows / batchSize)}
 * minibatches an epoch whatever the order, and a minibatch may take the last rows of one shard and
 * the first of the next. {@link #begin}(epoch, k) starts at minibatch k and yields exactly the
 * minibatches an uninterrupted pass would have from there.
 *
 * <p><b>Blocks.</b> {@link #next} hands out the epoch as blocks of whole minibatches, one per
 * shard (the rows left over at a shard's end, fewer than a minibatch, go to the next block), each
 * copied in training order so minibatches read memory sequentially.
 *
 * <p><b>Memory.</b> A read-ahead thread prepares the next block while the worker trains on the
 * current one, so a worker holds at most: its current block and its index, the next block and its
 * index, and the shard being read (which {@link trainyard.engine.data.ShardedDataset} reads through
 * a buffer of its file size): about three shards, each at most
 * {@link trainyard.engine.data.IngestOptions#rowsPerShard} rows and 4M entries. See
 * {@link MemoryEstimate}.
 *
 * <p>Not thread-safe: one worker thread calls {@link #begin} and {@link #next}; the read-ahead
 * runs on a daemon thread of its own, and the hand-over through its future publishes each block.
 */
final class WorkerStream implements AutoCloseable {
  /** Rows in training order, whole minibatches but at the epoch's end, and what the indexer made of them. */
  record Block(CsrBlock rows, Object index) {}

  private final TrainingData data;
  private final int worker;
  private final int batchSize;
  private final long seed;
  private final TrainingData.Part[] parts;
  private final long rows;
  private final Function<CsrBlock, Object> indexer;
  private ExecutorService reader;
  private Cursor cursor;
  private Future<Block> ahead;

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
    this.indexer = indexer;
  }

  /** Training rows of this worker per epoch. */
  long rows() {
    return rows;
  }

  /** Minibatches per epoch: {@code ceil(rows / batchSize)}, known without reading a row. */
  long batchesPerEpoch() {
    return (rows + batchSize - 1) / batchSize;
  }

  /**
   * Starts epoch {@code epoch} at minibatch {@code startBatch} (0 for the whole epoch) and begins
   * reading its first block; a pass still running is dropped.
   */
  void begin(int epoch, long startBatch) {
    if (startBatch < 0 || startBatch > batchesPerEpoch()) {
      throw new IllegalArgumentException("startBatch must be in 0.." + batchesPerEpoch() + ", got " + startBatch);
    }
    if (ahead != null) {
      ahead.cancel(false);
    }
    if (reader == null) {
      reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trainyard-data-" + worker);
        t.setDaemon(true);
        return t;
      });
    }
    cursor = new Cursor(epoch, startBatch * batchSize);
    Cursor c = cursor;
    ahead = reader.submit(c::next);
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
    Block b;
    try {
      b = ahead.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading training data", e);
    } catch (ExecutionException e) {
      ahead = null;
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new UncheckedIOException("worker " + worker + " could not read its data: " + io.getMessage(), io);
      }
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
    if (b == null) {
      ahead = null;
    } else {
      Cursor c = cursor;
      ahead = reader.submit(c::next);
    }
    return b;
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.shutdownNow();
    }
  }

  /** One pass over the epoch; runs on the read-ahead thread, one call at a time. */
  private final class Cursor {
    private final int epoch;
    private final int[] order;
    private int nextPart;
    /** Rows of the epoch still to skip before the first one handed out. */
    private long skip;
    /** Rows read but not handed out (fewer than a minibatch), or null. */
    private CsrBlock carry;
    /** Rows of the parts not read yet. */
    private long remaining;

    Cursor(int epoch, long skip) {
      this.epoch = epoch;
      this.skip = skip;
      this.order = TrainingData.identity(parts.length);
      TrainingData.shuffle(order, TrainingData.random(seed, epoch, worker, -1));
      this.remaining = rows;
    }

    Block next() throws IOException {
      while (nextPart < order.length) {
        TrainingData.Part p = parts[order[nextPart++]];
        int n = p.rows();
        remaining -= n;
        if (skip >= n) {
          skip -= n;
          continue;
        }
        int first = (int) skip;
        skip = 0;
        CsrBlock shard = data.train.shard(p.shard());
        int[] mine = java.util.Arrays.copyOfRange(data.trainingRows(p.shard(), shard), p.from(), p.to());
        TrainingData.shuffle(mine, TrainingData.random(seed, epoch, worker, p.shard()));
        int carried = carry == null ? 0 : carry.rows;
        int available = carried + n - first;
        int emit = remaining == 0 ? available : available / batchSize * batchSize;
        List<CsrBlock> blocks = carry == null ? List.of(shard) : List.of(carry, shard);
        int own = carry == null ? 0 : 1;
        long[] refs = new long[available];
        for (int i = 0; i < carried; i++) {
          refs[i] = Rows.ref(0, i);
        }
        for (int i = first; i < n; i++) {
          refs[carried + i - first] = Rows.ref(own, mine[i]);
        }
        CsrBlock out = emit == 0 ? null : Rows.gather(blocks, java.util.Arrays.copyOf(refs, emit));
        carry = emit == available ? null : Rows.gather(blocks, java.util.Arrays.copyOfRange(refs, emit, available));
        if (out != null) {
          return new Block(out, indexer.apply(out));
        }
      }
      if (carry != null) {
        CsrBlock out = carry;
        carry = null;
        return new Block(out, indexer.apply(out));
      }
      return null;
    }
  }
}
