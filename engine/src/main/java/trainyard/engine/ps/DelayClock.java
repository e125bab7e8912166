package trainyard.engine.ps;

/**
 * The bounded-delay consistency clock of one worker (Li et al., OSDI 2014): before step
 * {@code t} the worker waits until its push of step {@code t - τ - 1} is applied everywhere.
 * τ = 0 is sequential (every pull sees the worker's previous push), τ = n lets n pushes overlap
 * the next steps' computation, τ = -1 never waits (eventual consistency).
 *
 * <p>Not thread-safe: one per worker thread, beside that worker's {@link KVWorker}.
 */
public final class DelayClock {
  private final int maxDelay;
  private final KVWorker kv;
  /** Push timestamps of the last τ + 1 steps, by step modulo τ + 1. */
  private final long[] pushed;

  public DelayClock(int maxDelay, KVWorker kv) {
    if (maxDelay < -1) {
      throw new IllegalArgumentException("maxDelay must be >= -1 (-1: eventual), got " + maxDelay);
    }
    this.maxDelay = maxDelay;
    this.kv = kv;
    this.pushed = new long[maxDelay < 0 ? 1 : maxDelay + 1];
  }

  /** Waits as the bound requires before step {@code step} (0-based, counted by this worker). */
  public void beforeStep(long step) {
    if (maxDelay >= 0 && step > maxDelay) {
      kv.waitFor(pushed[(int) (step % pushed.length)]);
    }
  }

  /** Records the timestamp of step {@code step}'s push. */
  public void pushed(long step, long timestamp) {
    if (maxDelay >= 0) {
      pushed[(int) (step % pushed.length)] = timestamp;
    }
  }
}
