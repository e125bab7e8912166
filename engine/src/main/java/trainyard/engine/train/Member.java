package trainyard.engine.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import trainyard.engine.ps.ParameterServer;

/**
 * One process's part of a job: the server shards it holds and the workers it runs. It says it is
 * ready, then does what the coordinator commands: run an epoch from the workers' positions until
 * done or paused, write its shards into a checkpoint, score its share of a validation block,
 * finish. It never decides anything about
 * the job; the coordinator does.
 *
 * <p>Not thread-safe: {@link #run} runs on one thread (beside the coordinator's on rank 0).
 */
final class Member {
  /** How often a member reports its minibatches and throughput while an epoch runs. */
  static final long REPORT_MILLIS = 1000;

  /** Scores the member's share of a validation block ({@link Control.Score}). */
  interface Scorer {
    /** The share of block {@code block}, or null when it holds no validation rows. */
    float[] share(int block) throws IOException;

    /** Drops what the scoring read of the servers: they are about to train. */
    void release();
  }

  /** What a member tells its process about itself, every {@link #REPORT_MILLIS} or so and at each epoch's end. */
  interface Stats {
    void report(double examplesPerSec, long bytesPushed, long bytesPulled);
  }

  private final int rank;
  private final Link link;
  private final ParameterServer ps;
  private final int firstServer;
  private final int servers;
  private final int firstWorker;
  private final List<WorkerLoop> loops;
  private final Path checkpointDir;
  private final ExecutorService pool;
  private final BooleanSupplier abandoned;
  private final BooleanSupplier stopHere;
  private final Stats stats;
  /** Null when the job validates exported models only. */
  private final Scorer scorer;
  /** Minibatches its workers did in this attempt. */
  private final AtomicLong batchesDone;
  private long examplesDone;
  private long examplesAtReport;
  private long reportedAt = System.nanoTime();

  Member(int rank, Link link, ParameterServer ps, int firstServer, int servers, int firstWorker,
      List<WorkerLoop> loops, Path checkpointDir, ExecutorService pool, BooleanSupplier abandoned,
      BooleanSupplier stopHere, Stats stats, Scorer scorer) {
    this.rank = rank;
    this.link = link;
    this.ps = ps;
    this.firstServer = firstServer;
    this.servers = servers;
    this.firstWorker = firstWorker;
    this.loops = loops;
    this.checkpointDir = checkpointDir;
    this.pool = pool;
    this.abandoned = abandoned;
    this.stopHere = stopHere;
    this.stats = stats;
    this.scorer = scorer;
    this.batchesDone = new AtomicLong();
  }

  /**
   * Serves the coordinator until it says {@link Control.Finish}, the process abandons the job
   * ({@code abandoned}: the executor stops or was told the job runs elsewhere), or the channel
   * breaks (throws). A failure of its own is reported to the coordinator, then thrown. Workers
   * also stop at the next minibatch when {@code stopHere} says so (rank 0: the job is cancelled
   * or out of time), which ends their epoch early as a {@link Control.Pause} would.
   */
  void run() throws IOException, InterruptedException {
    long batches = 0;
    for (WorkerLoop loop : loops) {
      batches += loop.batchesPerEpoch();
    }
    link.send(0, new Control.Ready(rank, batches));
    try {
      while (!abandoned.getAsBoolean()) {
        Control m = link.takeMember(200);
        if (m instanceof Control.Start s) {
          if (scorer != null) {
            scorer.release();
          }
          if (!epoch(s)) {
            finished();
            return;
          }
        } else if (m instanceof Control.Save s) {
          for (int i = 0; i < servers; i++) {
            Checkpoints.saveShard(checkpointDir, s.tag(), firstServer + i, ps);
          }
          link.send(0, new Control.Saved(rank, s.tag()));
        } else if (m instanceof Control.Score s) {
          float[] share = scorer == null ? null : scorer.share(s.block());
          link.send(0, new Control.Shares(rank, s.block(), share == null ? new float[0] : share));
        } else if (m instanceof Control.Finish) {
          finished();
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      trySend(new Control.Failed(rank, "member " + rank + ": " + e.getMessage()));
      throw e;
    }
  }

  /**
   * Runs the workers through an epoch; false when the job ends meanwhile: told to finish, or
   * abandoned (its workers interrupted and not awaited, no EpochDone sent).
   */
  private boolean epoch(Control.Start start) throws InterruptedException {
    AtomicBoolean pause = new AtomicBoolean();
    AtomicBoolean failed = new AtomicBoolean();
    // stopHere is polled before every minibatch: a cancel on rank 0 stops its workers at once,
    // and the coordinator, seeing the epoch incomplete, pauses the other members.
    WorkerLoop.StopSignal stop = () -> pause.get() || failed.get() || stopHere.getAsBoolean();
    long started = System.nanoTime();
    // Reports measure training: the wait for the coordinator between epochs is nobody's speed.
    reportedAt = started;
    examplesAtReport = examplesDone;
    List<Future<Boolean>> running = new ArrayList<>(loops.size());
    for (int i = 0; i < loops.size(); i++) {
      WorkerLoop loop = loops.get(i);
      long from = start.from()[firstWorker + i];
      running.add(pool.submit(() -> {
        try {
          return loop.runEpoch(start.epoch(), from, stop, batchesDone);
        } catch (RuntimeException | Error e) {
          failed.set(true); // the member's other workers stop at their next minibatch
          throw e;
        }
      }));
    }
    boolean finish = false;
    boolean complete = true;
    RuntimeException failure = null;
    for (Future<Boolean> f : running) {
      while (true) {
        try {
          complete &= f.get(100, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException e) {
          if (abandoned.getAsBoolean()) {
            // The process lets the job go: nobody awaits this epoch. A worker stuck in a read
            // would otherwise hold this thread, and the cores its executor counts for the job,
            // for as long as the read hangs.
            running.forEach(r -> r.cancel(true));
            return false;
          }
          Control m = link.takeMember(0);
          if (m instanceof Control.Pause || m instanceof Control.Finish) {
            pause.set(true);
            finish |= m instanceof Control.Finish;
          }
          reportIfDue();
        } catch (ExecutionException e) {
          failed.set(true);
          Throwable cause = e.getCause();
          if (failure == null) {
            failure = cause instanceof RuntimeException re ? re
                : new IllegalStateException("worker failed: " + cause, cause);
          }
          break;
        }
      }
    }
    double seconds = loops.isEmpty() ? 0 : (System.nanoTime() - started) / 1e9;
    if (failure != null) {
      RuntimeException network = ps.networkFailure();
      throw network == null ? failure : new AttemptLostException(network.getMessage(), network);
    }
    double loss = 0;
    long examples = 0;
    long[] positions = new long[loops.size()];
    for (int i = 0; i < loops.size(); i++) {
      WorkerLoop loop = loops.get(i);
      loss += loop.epochLoss;
      examples += loop.epochExamples;
      positions[i] = loop.position();
    }
    report(seconds > 0 ? examples / seconds : 0);
    examplesDone += examples;
    link.send(0, new Control.EpochDone(rank, start.epoch(), complete, loss, examples, positions, seconds));
    return !finish;
  }

  /** Acknowledges a {@link Control.Finish} (not an abandonment: the coordinator must see that as a loss). */
  private void finished() {
    if (!abandoned.getAsBoolean()) {
      trySend(new Control.Finished(rank));
    }
  }

  /** Reports the speed since the last report, once {@link #REPORT_MILLIS} have passed. */
  private void reportIfDue() {
    long t = System.nanoTime();
    long elapsed = t - reportedAt;
    if (elapsed < REPORT_MILLIS * 1_000_000) {
      return;
    }
    long examples = examplesDone + running();
    report((examples - examplesAtReport) * 1e9 / elapsed);
    examplesAtReport = examples;
    reportedAt = t;
  }

  private void report(double examplesPerSec) {
    link.send(0, new Control.Progress(rank, batchesDone.get(), scanned()));
    stats.report(examplesPerSec, ps.bytesSent(), ps.bytesReceived());
  }

  /** Blocks the workers have scanned for their key dictionaries. */
  private long scanned() {
    long n = 0;
    for (WorkerLoop loop : loops) {
      n += loop.scanned();
    }
    return n;
  }

  /** Examples the workers have done in the epoch under way (their counters, read racily: a report). */
  private long running() {
    long n = 0;
    for (WorkerLoop loop : loops) {
      n += loop.epochExamples;
    }
    return n;
  }

  private void trySend(Control m) {
    try {
      link.send(0, m);
    } catch (RuntimeException ignored) {
      // The channel is what failed: the coordinator learns it from there.
    }
  }
}
