package trainyard.api.job;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import trainyard.bus.Heartbeat;

/**
 * When each job was last listed by an executor's heartbeat, and at which attempt: what
 * {@link Reconciliation} weighs a placed job against. Fed by the heartbeat reader with every
 * heartbeat, by the api's clock at reading; kept in memory (after a restart the bound counts
 * from the start). Thread-safe.
 */
@ApplicationScoped
public class Holdings {
  /** The highest attempt listed and when, and when an executor that names no attempts last listed the job. */
  private record Held(int attempt, long atMillis, long unknownAtMillis) {
    static final Held NONE = new Held(0, Reconciliation.NEVER, Reconciliation.NEVER);

    Held with(int listed, long now) {
      if (listed == 0) {
        return new Held(attempt, atMillis, now);
      }
      // An older attempt still listed (its executor was told to release it) holds nothing.
      return listed >= attempt ? new Held(listed, now, unknownAtMillis) : this;
    }

    long latest() {
      return Math.max(atMillis, unknownAtMillis);
    }
  }

  private final Map<String, Held> jobs = new ConcurrentHashMap<>();

  public void listed(Heartbeat beat, long nowMillis) {
    for (String jobId : beat.runningJobs()) {
      int attempt = beat.attemptOf(jobId);
      jobs.compute(jobId, (id, held) -> (held == null ? Held.NONE : held).with(attempt, nowMillis));
    }
  }

  /**
   * The last time a heartbeat listed {@code jobId} at {@code attempt}, a later attempt or an
   * unknown one, or {@link Reconciliation#NEVER}.
   */
  long heldAt(String jobId, int attempt) {
    Held held = jobs.get(jobId);
    if (held == null) {
      return Reconciliation.NEVER;
    }
    return Math.max(held.attempt >= attempt ? held.atMillis : Reconciliation.NEVER, held.unknownAtMillis);
  }

  /** Forgets jobs not listed since {@code millis}: judged by their own last change from then on, the same verdict. */
  void forgetBefore(long millis) {
    jobs.values().removeIf(h -> h.latest() < millis);
  }
}
