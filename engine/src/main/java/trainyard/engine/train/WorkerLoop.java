package trainyard.engine.train;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.model.BatchCompute;
import trainyard.engine.ps.DelayClock;
import trainyard.engine.ps.KVWorker;

/**
 * One worker's training loop, written once for every algorithm: shuffle the minibatches, then per minibatch
 * wait as the clock demands, pull, compute, push. The loop never holds weights beyond the
 * pulled copy of the current minibatch.
 *
 * <p>Not thread-safe: runs on one worker thread at a time; the trainer reads its counters only
 * after the epoch's task completed.
 */
final class WorkerLoop {
  private final int id;
  private final KVWorker kv;
  private final DelayClock clock;
  private final BatchCompute compute;
  private final CsrBlock block;
  /** Rows in block order: minibatch b is rows [b·batchSize, (b+1)·batchSize). */
  private final int[] order;
  private final int[] batches;
  private final int batchSize;
  private final long seed;
  private long step;
  private boolean registered;
  private boolean byRank;
  double epochLoss;
  long epochExamples;

  WorkerLoop(int id, KVWorker kv, int maxDelay, BatchCompute compute, CsrBlock block, int batchSize, long seed) {
    this.id = id;
    this.kv = kv;
    this.clock = new DelayClock(maxDelay, kv);
    this.compute = compute;
    this.block = block;
    this.order = TrainingData.identity(block.rows);
    this.batchSize = batchSize;
    this.batches = new int[(block.rows + batchSize - 1) / batchSize];
    this.seed = seed;
  }

  int batchesPerEpoch() {
    return (block.rows + batchSize - 1) / batchSize;
  }

  /** Runs one epoch; returns false when {@code stop} ended it early. */
  boolean runEpoch(int epoch, StopSignal stop, AtomicLong batchesDone) {
    epochLoss = 0;
    epochExamples = 0;
    shuffle(epoch);
    if (!registered) {
      registered = true;
      long[] dictionary = block.rows == 0 ? null : compute.dictionary(block);
      if (dictionary != null) {
        kv.waitFor(kv.register(dictionary));
        byRank = true;
      }
    }
    boolean complete = true;
    try {
      for (int b = 0; b < batches.length; b++) {
        if (stop.shouldStop()) {
          complete = false;
          break;
        }
        int from = batches[b] * batchSize;
        int to = Math.min(order.length, from + batchSize);
        clock.beforeStep(step);
        int n = compute.prepare(block, order, from, to);
        if (byRank) {
          kv.waitFor(kv.pullRanks(compute.ranks(), n, compute.pullBuffer()));
          epochLoss += compute.gradient();
          clock.pushed(step, kv.pushRanks(compute.ranks(), n, compute.pushBuffer()));
        } else {
          kv.waitFor(kv.pull(compute.keys(), n, compute.pullBuffer()));
          epochLoss += compute.gradient();
          clock.pushed(step, kv.push(compute.keys(), n, compute.pushBuffer()));
        }
        epochExamples += to - from;
        step++;
        batchesDone.incrementAndGet();
      }
    } finally {
      kv.waitAll();
    }
    return complete;
  }

  /**
   * The minibatch order of an epoch: the same for a given (seed, epoch, worker) whatever ran
   * before, so a resumed job replays it. Rows were shuffled once when the data was assigned;
   * minibatches are contiguous rows, which keeps memory access sequential.
   */
  private void shuffle(int epoch) {
    for (int i = 0; i < batches.length; i++) {
      batches[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + id);
    for (int i = batches.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = batches[i];
      batches[i] = batches[j];
      batches[j] = t;
    }
  }

  /** Why workers stop early; safe to read from every worker thread. */
  interface StopSignal {
    boolean shouldStop();
  }
}
