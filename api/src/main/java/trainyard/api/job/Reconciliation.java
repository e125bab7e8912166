package trainyard.api.job;

import java.time.Duration;
import java.util.Objects;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;

/**
 * What to do with a job the api shows ASSIGNED or RUNNING: keep it while an executor's heartbeat
 * lists its current attempt (or a later one), and once none has for longer than the bound, put it
 * back in the queue, end it CANCELLED when its user had asked to cancel it, or end it FAILED when
 * this lost attempt is its {@code maxAttempts}th (counting the attempts lost before, whoever found
 * them lost), as the scheduler ends a job whose executors it lost. A pure function of what the api
 * knows; {@link Reconciler} feeds it and applies its verdict.
 *
 * <p>The bound is counted from the latest of: the job's last change, the last heartbeat listing
 * it, and the moment the api's heartbeat reader last began to reach Kafka. So a job is never
 * judged on heartbeats the api could not have read (Kafka down, its reader restarting), and a
 * job requeued by mistake can only be one whose every executor was silent about it for the
 * whole bound while heartbeats flowed.
 */
public final class Reconciliation {
  private Reconciliation() {}

  public enum Action { KEEP, REQUEUE, CANCEL, FAIL }

  /** The action and, unless KEEP, the reason the job's state gets. */
  public record Verdict(Action action, String reason) {
    static final Verdict KEEP = new Verdict(Action.KEEP, null);
  }

  /**
   * A job as the api stores it.
   *
   * @param state           its state
   * @param attempt         the attempt that set the state ({@code jobs.state_attempt})
   * @param changedAtMillis its last change (state, progress, metrics...)
   * @param cancelRequested its user asked to cancel it while it was placed
   * @param lostAttempts    attempts of it lost before this one ({@code jobs.lost_attempts})
   */
  public record Job(JobState state, int attempt, long changedAtMillis, boolean cancelRequested, int lostAttempts) {
    public Job {
      Objects.requireNonNull(state, "state");
    }
  }

  /** Nothing of this kind was seen. */
  public static final long NEVER = Long.MIN_VALUE;

  /**
   * @param heldAtMillis     the last time a heartbeat listed the job's {@code attempt}, a later
   *                         one, or an unknown one (an executor before attempts), or {@link #NEVER}
   * @param watchingSince    since when the api's heartbeat reader has reached Kafka without a
   *                         break, or {@link #NEVER} when it does not reach it now
   * @param bound            how long a placed job may go unlisted
   * @param maxAttempts      {@code trainyard.jobs.max-attempts}: lost attempts after which a job ends FAILED
   */
  public static Verdict decide(Job job, long heldAtMillis, long watchingSince, long nowMillis, Duration bound,
      int maxAttempts) {
    if (job.state() != JobState.ASSIGNED && job.state() != JobState.RUNNING) {
      return Verdict.KEEP;
    }
    if (watchingSince == NEVER) {
      return Verdict.KEEP;
    }
    long since = Math.max(job.changedAtMillis(), Math.max(heldAtMillis, watchingSince));
    if (nowMillis - since <= bound.toMillis()) {
      return Verdict.KEEP;
    }
    String silent = "no executor has reported running attempt " + job.attempt() + " for " + bound.toSeconds()
        + " s (its executor or its terminal state was lost)";
    if (job.cancelRequested()) {
      return new Verdict(Action.CANCEL, "cancelled: " + silent);
    }
    int lost = job.lostAttempts() + 1;
    return lost >= maxAttempts
        ? new Verdict(Action.FAIL, JobMessage.gaveUp(lost, silent))
        : new Verdict(Action.REQUEUE, silent + "; requeued, will resume from checkpoint");
  }
}
