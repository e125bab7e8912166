package trainyard.engine.train;

import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * The coordinator's watch on members that stay alive but do nothing: a deadlocked worker, a
 * read or a checkpoint write stuck on a hung file system. Such a member's data port still answers
 * pings, so the peer timeout never fires, and its executor still heartbeats, so the scheduler
 * sees nothing wrong; nor does a cancel stop a worker that never reaches its next minibatch.
 * Without this watch the job would wait forever, in one process too. A member the coordinator
 * waits for loses the attempt once it has shown no progress (no minibatch done, no block scanned,
 * no reply) for the stall timeout, as a collective's timeout ends a stuck step elsewhere (NCCL's
 * watchdog); the job is then placed again, as after a lost member.
 *
 * <p>Not thread-safe: the coordinator's thread only.
 */
final class StallWatch {
  private final long timeoutNanos;
  private final LongSupplier nanos;
  /** When each rank last showed progress, or the wait for it began. */
  private final long[] since;
  private final long[] batches;
  private final long[] scanned;

  /** {@code timeoutMillis}: Long.MAX_VALUE for no watch. */
  StallWatch(int members, long timeoutMillis, LongSupplier nanos) {
    this.timeoutNanos = Math.min(timeoutMillis, 1L << 40) * 1_000_000; // no overflow
    this.nanos = nanos;
    this.since = new long[members];
    this.batches = new long[members];
    this.scanned = new long[members];
  }

  /** The coordinator starts waiting on every member: it has just sent them a command. */
  void start() {
    Arrays.fill(since, nanos.getAsLong());
  }

  /** A progress report: progress when it shows more minibatches or more blocks scanned than before. */
  void report(Control.Progress p) {
    int r = p.rank();
    if (p.batches() > batches[r] || p.scanned() > scanned[r]) {
      batches[r] = Math.max(batches[r], p.batches());
      scanned[r] = Math.max(scanned[r], p.scanned());
      since[r] = nanos.getAsLong();
    }
  }

  /** Throws {@link AttemptLostException} for the first rank still {@code awaited} (no reply yet) that has stalled. */
  void check(IntPredicate awaited) {
    long now = nanos.getAsLong();
    for (int r = 0; r < since.length; r++) {
      if (awaited.test(r) && now - since[r] > timeoutNanos) {
        throw new AttemptLostException("member " + r + " made no progress for " + (now - since[r]) / 1_000_000_000
            + " s (no minibatch, no block scanned, no reply to the coordinator)");
      }
    }
  }
}
