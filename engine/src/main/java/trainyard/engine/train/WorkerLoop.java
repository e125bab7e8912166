package trainyard.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.model.BatchCompute;
import trainyard.engine.optim.Schedule;
import trainyard.engine.ps.DelayClock;
import trainyard.engine.ps.KVWorker;

/**
 * One worker's training loop, written once for every algorithm: per minibatch wait as the clock
 * demands, pull, compute, push. Rows come from a {@link WorkerStream} block by block, each with
 * its epoch's minibatch order. Before its first minibatch the worker passes over its rows once
 * to collect its key dictionary (when the compute has one) and registers it with the servers,
 * once per job; minibatches then address keys by rank. The loop never holds weights beyond the
 * pulled copies of its current minibatches.
 *
 * <p><b>Pulling ahead.</b> With {@code pullAhead}, a bound τ ≠ 0 and a compute that has {@link
 * BatchCompute#twin() twins}, the loop keeps the pulls of the next d = min(τ, {@value
 * #MAX_AHEAD}) minibatches in flight (τ = -1: {@value #MAX_AHEAD}) while it computes the current
 * one, so the round trips to servers in other processes overlap the computation instead of
 * stalling it (DiFacto's workers pipeline their minibatches the same way). A pull issued ahead
 * may miss the worker's own pushes of the steps before it, at most d of them, which the bound
 * allows (parts for servers in its own process are read when the minibatch runs, {@link
 * KVWorker#pull}); the clock still waits for the push of step t − τ − 1 before issuing step t.
 *
 * <p><b>Learning-rate schedule.</b> Each push carries the {@link Schedule}'s factor at the
 * minibatch's step in the job, epoch · {@link #batchesPerEpoch()} + its position in the epoch:
 * what a checkpoint records, so a resumed job pushes the same factors.
 *
 * <p>Not thread-safe: runs on one worker thread at a time; the trainer reads its counters only
 * after the epoch's task completed.
 */
final class WorkerLoop {
  /** Minibatches pulled ahead at most: enough to cover a round trip on a busy core. */
  static final int MAX_AHEAD = 2;

  private final KVWorker kv;
  private final DelayClock clock;
  private final WorkerStream data;
  private final int batchSize;
  private final Schedule schedule;
  /** Minibatches this worker pulls ahead: d above, or 0. */
  private final int ahead;
  /** A ring of slots, one per minibatch in flight: the first compute's, and its twins'. */
  private Slot[] slots;
  /** Rows 0..n of a block in order: blocks are already in training order. */
  private int[] order = new int[0];
  private boolean registered;
  /** Blocks the dictionary pass has scanned: read by the member's thread, as a sign of life. */
  private volatile long scanned;
  private boolean byRank;
  private long step;
  private long position;
  /** The job's step of the epoch's first minibatch: epoch · batchesPerEpoch. */
  private long epochStart;
  double epochLoss;
  long epochExamples;
  /** The epoch's walk over blocks and their minibatches: the current block, its next minibatch. */
  private WorkerStream.Block block;
  private int nextBatch;

  WorkerLoop(KVWorker kv, int maxDelay, BatchCompute compute, WorkerStream data, int batchSize, boolean pullAhead,
      Schedule schedule) {
    this.kv = kv;
    this.schedule = schedule;
    this.clock = new DelayClock(maxDelay, kv);
    this.data = data;
    this.batchSize = batchSize;
    this.ahead = !pullAhead || maxDelay == 0 ? 0 : maxDelay < 0 ? MAX_AHEAD : Math.min(maxDelay, MAX_AHEAD);
    this.slots = new Slot[] {new Slot(compute)};
  }

  /** Minibatches per epoch, from the shards' row counts. */
  long batchesPerEpoch() {
    return data.batchesPerEpoch();
  }

  /** Blocks scanned for the key dictionary so far (all of them once registered). */
  long scanned() {
    return scanned;
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
   * #position()} then tells where (a minibatch pulled ahead is dropped, never pushed).
   */
  boolean runEpoch(int epoch, long startBatch, StopSignal stop, AtomicLong batchesDone) {
    epochLoss = 0;
    epochExamples = 0;
    position = startBatch;
    epochStart = epoch * data.batchesPerEpoch();
    if (!registered) {
      register();
    }
    data.begin(epoch, startBatch);
    block = null;
    boolean complete = true;
    int head = 0;
    int inFlight = 0;
    boolean more = true;
    try {
      while (true) {
        while (more && inFlight < slots.length) {
          more = issue(slots[(head + inFlight) % slots.length], step + inFlight);
          inFlight += more ? 1 : 0;
        }
        if (inFlight == 0) {
          break;
        }
        // Polled once per minibatch, before it runs; a pull in flight has changed nothing.
        if (stop.shouldStop()) {
          complete = false;
          break;
        }
        finish(slots[head], batchesDone);
        head = (head + 1) % slots.length;
        inFlight--;
      }
    } finally {
      kv.waitAll();
    }
    return complete;
  }

  /** One pass over the rows for the key dictionary, registered with the servers; then the twins. */
  private void register() {
    BatchCompute compute = slots[0].compute;
    // One pass over the rows, like an epoch's reading; stop is polled per minibatch only, as documented.
    data.scan(rows -> {
      scanned++; // one writer: this thread
      return compute.collect(rows);
    });
    long[] dictionary = compute.dictionary(kv.ranges());
    if (dictionary != null) {
      kv.waitFor(kv.register(dictionary));
      byRank = true;
    }
    List<Slot> ring = new ArrayList<>(List.of(slots[0]));
    for (int i = 0; i < ahead; i++) {
      BatchCompute twin = compute.twin();
      if (twin == null) {
        break;
      }
      ring.add(new Slot(twin));
    }
    slots = ring.toArray(new Slot[0]);
    registered = true;
  }

  /**
   * Takes the epoch's next minibatch into {@code slot} as step {@code at}: waits as the clock
   * demands, prepares it and sends its pull. Returns false after the epoch's last minibatch.
   */
  private boolean issue(Slot slot, long at) {
    while (block == null || nextBatch == block.batches().length) {
      block = data.next();
      if (block == null) {
        return false;
      }
      nextBatch = 0;
      if (order.length < block.rows().rows) {
        order = TrainingData.identity(block.rows().rows);
      }
    }
    CsrBlock rows = block.rows();
    if (slot.block != rows) {
      slot.compute.use(rows, block.index());
      slot.block = rows;
    }
    int from = block.batches()[nextBatch++] * batchSize;
    int to = Math.min(rows.rows, from + batchSize);
    clock.beforeStep(at);
    BatchCompute c = slot.compute;
    slot.keys = c.prepare(rows, order, from, to);
    slot.examples = to - from;
    slot.pull = byRank ? kv.pullRanks(c.ranks(), slot.keys, c.pullBuffer()) : kv.pull(c.keys(), slot.keys, c.pullBuffer());
    return true;
  }

  /** Computes the minibatch in {@code slot} once its pull is in, and pushes its gradient. */
  private void finish(Slot slot, AtomicLong batchesDone) {
    BatchCompute c = slot.compute;
    kv.waitFor(slot.pull);
    epochLoss += c.gradient();
    float rate = schedule.factor(epochStart + position);
    long ts = kv.pushPulled(slot.pull, c.pushBuffer(), rate);
    clock.pushed(step, ts);
    epochExamples += slot.examples;
    step++;
    position++;
    batchesDone.incrementAndGet();
  }

  /** A minibatch in flight: its compute and buffers, the block they last used, its pull. */
  private static final class Slot {
    final BatchCompute compute;
    CsrBlock block;
    int keys;
    int examples;
    long pull;

    Slot(BatchCompute compute) {
      this.compute = compute;
    }
  }

  /** Why workers stop early; safe to read from every worker thread. */
  interface StopSignal {
    boolean shouldStop();
  }
}
