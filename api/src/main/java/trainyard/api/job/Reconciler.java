package trainyard.api.job;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import trainyard.api.executor.HeartbeatConsumer;
import trainyard.bus.JobState;

/**
 * Applies {@link Reconciliation} to every ASSIGNED or RUNNING job every few seconds: a job no
 * executor has listed for {@code trainyard.jobs.reconcile-after} goes back to QUEUED as a new
 * attempt, one more lost (a STATE event says why, and its SUBMIT goes to the scheduler, or to
 * {@link PendingPublishes} while Kafka refuses it), ends FAILED when that was its last attempt
 * ({@code trainyard.jobs.max-attempts}), or ends CANCELLED when its user had asked to cancel it.
 * A state that moved on meanwhile (an event came) is left alone. Thread-safe.
 */
@ApplicationScoped
public class Reconciler {
  private static final Logger LOG = Logger.getLogger(Reconciler.class);
  private static final List<String> PLACED = List.of(JobState.ASSIGNED.name(), JobState.RUNNING.name());

  @Inject HeartbeatConsumer heartbeats;
  @Inject Holdings holdings;
  @Inject JobService jobs;
  @Inject PendingPublishes pending;
  @Inject EventStreams streams;
  @Inject Clock clock;

  private Duration bound;
  private int maxAttempts;
  private ScheduledExecutorService timer;

  /** Starts the rounds, every third of {@code bound} and at least every 5 s; the api role calls it once. */
  public synchronized void start(Duration bound, int maxAttempts) {
    if (timer != null) {
      return;
    }
    this.bound = bound;
    this.maxAttempts = maxAttempts;
    long every = Math.max(1, Math.min(5_000, bound.toMillis() / 3));
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trainyard-reconcile");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
  }

  private void round() {
    try {
      reconcileNow();
    } catch (RuntimeException e) {
      LOG.warnf("reconciling job states failed: %s", e.getMessage());
    }
  }

  /** One round; returns how many jobs it requeued or ended. */
  int reconcileNow() {
    long now = clock.millis();
    long watching = heartbeats.reachingSince(now);
    List<JobRow> placed = QuarkusTransaction.requiringNew().call(() ->
        JobRow.<JobRow>find("status in ?1", PLACED).list());
    int changed = 0;
    for (JobRow row : placed) {
      Reconciliation.Job job = new Reconciliation.Job(JobState.valueOf(row.status), row.stateAttempt,
          row.updatedAt.toEpochMilli(), row.cancelRequestedAt != null, row.lostAttempts);
      Reconciliation.Verdict verdict = Reconciliation.decide(job, holdings.heldAt(row.id, row.stateAttempt), watching,
          now, bound, maxAttempts);
      if (verdict.action() != Reconciliation.Action.KEEP && apply(row.id, row.stateAttempt, verdict)) {
        changed++;
      }
    }
    holdings.forgetBefore(now - 2 * bound.toMillis());
    return changed;
  }

  /** Applies {@code verdict} if the job is still placed at {@code attempt}; false if it moved on. */
  private boolean apply(String jobId, int attempt, Reconciliation.Verdict verdict) {
    boolean requeue = verdict.action() == Reconciliation.Action.REQUEUE;
    JobRow row = QuarkusTransaction.requiringNew().call(() -> {
      JobRow locked = JobRow.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
      if (locked == null || !PLACED.contains(locked.status) || locked.stateAttempt != attempt) {
        return null;
      }
      Instant now = clock.instant();
      JobState next = switch (verdict.action()) {
        case REQUEUE -> JobState.QUEUED;
        case FAIL -> JobState.FAILED;
        default -> JobState.CANCELLED;
      };
      if (requeue) {
        // Events of the lost attempt, should they come after all, change nothing now.
        locked.attempt = Math.max(locked.attempt, locked.stateAttempt) + 1;
        locked.stateAttempt = locked.attempt;
        locked.executorId = null;
        locked.lostAttempts++;
      } else {
        locked.finishedAt = now;
      }
      locked.status = next.name();
      locked.statusReason = verdict.reason();
      locked.updatedAt = now;
      EventStore.record(EventStore.stateRow("api-reconcile-" + jobId + "-" + attempt, jobId, next, verdict.reason(),
          now));
      return locked;
    });
    if (row == null) {
      return false;
    }
    LOG.warnf("job %s: %s", jobId, verdict.reason());
    streams.stored(jobId);
    if (requeue) {
      try {
        jobs.publishSubmit(row);
      } catch (IllegalStateException e) {
        LOG.warnf("job %s requeued but not handed to the scheduler yet: %s", jobId, e.getMessage());
        pending.add(jobId);
      }
    } else if (verdict.action() == Reconciliation.Action.FAIL) {
      try {
        // so that a scheduler that still counts it placed lets it go instead of running it again
        jobs.publishCancel(row);
      } catch (IllegalStateException e) {
        LOG.warnf("job %s FAILED but the scheduler was not told: %s", jobId, e.getMessage());
      }
    }
    return true;
  }

  @PreDestroy
  synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
