package trainyard.engine.train;

import java.util.concurrent.atomic.AtomicLong;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.model.BatchCompute;
import trainyard.engine.ps.DelayClock;
import trainyard.engine.ps.KVWorker;

/**
 * One worker's training loop, written once for every algorithm: per minibatch wait as the clock
 * demands, pull, compute, push. Rows come from a {@link WorkerStream} block by block, each with
 * its epoch's minibatch order. Before its first minibatch the worker passes over its rows once
 * to collect its key dictionary (when the compute has one) and registers it with the servers,
 * once per job; minibatches then address keys by rank. The loop never holds weights beyond the
 * pulled copy of the current minibatch.
 *
 * <p>Not thread-safe: runs on one worker thread at a time; the trainer reads its counters only
 * after the epoch's task completed.
 */
final class WorkerLoop {
  private final KVWorker kv;
  private final DelayClock clock;
  private final BatchCompute compute;
  private final WorkerStream data;
  private final int batchSize;
  /** Rows 0..n of a block in order: blocks are already in training order. */
  private int[] order = new int[0];
  private boolean registered;
  private boolean byRank;
  private long step;
  private long position;
  double epochLoss;
  long epochExamples;

  WorkerLoop(KVWorker kv, int maxDelay, BatchCompute compute, WorkerStream data, int batchSize) {
    this.kv = kv;
    this.clock = new DelayClock(maxDelay, kv);
    this.compute = compute;
    this.data = data;
    this.batchSize = batchSize;
  }

  /** Minibatches per epoch, from the shards' row counts. */
  long batchesPerEpoch() {
    return data.batchesPerEpoch();
  }

  /** Minibatches done in the current epoch, counting those skipped by its start: where a checkpoint resumes it. */
  long position() {
    return position;
  }

  /** Runs one whole epoch; returns false when {@code stop} ended it early. */
  boolean runEpoch(int epoch, StopSignal stop, AtomicLong batchesDone) {
    return runEpoch(epoch, 0, stop, batchesDone);
  }

  /**
   * Runs epoch {@code epoch} from minibatch {@code startBatch} on: exactly the minibatches an
   * uninterrupted epoch runs from there. Returns false when {@code stop} ended it early; {@link
   * #position()} then tells where.
   */
  boolean runEpoch(int epoch, long startBatch, StopSignal stop, AtomicLong batchesDone) {
    epochLoss = 0;
    epochExamples = 0;
    position = startBatch;
    if (!registered) {
      // One pass over the rows, like an epoch's reading; stop is polled per minibatch only, as documented.
      data.scan(compute::collect);
      long[] dictionary = compute.dictionary();
      if (dictionary != null) {
        kv.waitFor(kv.register(dictionary));
        byRank = true;
      }
      registered = true;
    }
    data.begin(epoch, startBatch);
    boolean complete = true;
    try {
      while (complete) {
        WorkerStream.Block next = data.next();
        if (next == null) {
          break;
        }
        CsrBlock block = next.rows();
        compute.use(block, next.index());
        if (order.length < block.rows) {
          order = TrainingData.identity(block.rows);
        }
        for (int b : next.batches()) {
          if (stop.shouldStop()) {
            complete = false;
            break;
          }
          int from = b * batchSize;
          int to = Math.min(block.rows, from + batchSize);
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
          position++;
          batchesDone.incrementAndGet();
        }
      }
    } finally {
      kv.waitAll();
    }
    return complete;
  }

  /** Why workers stop early; safe to read from every worker thread. */
  interface StopSignal {
    boolean shouldStop();
  }
}
