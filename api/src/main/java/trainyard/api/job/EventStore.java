package trainyard.api.job;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

import trainyard.api.model.ModelRegistry;
import trainyard.api.platform.JsonText;
import trainyard.bus.JobEvent;
import trainyard.bus.JobState;

/**
 * Writes job events to PostgreSQL, idempotently: the event id is the primary key of
 * job_events, and an event whose id is stored already changes nothing. Attempts order the
 * rest: an event of an attempt older than the one that set the job's state is recorded but
 * changes nothing else (a lost executor may still send); a state of a newer attempt replaces the
 * state whatever it was (the new attempt starts over at QUEUED or ASSIGNED); within an attempt a
 * state only moves forward (QUEUED → ASSIGNED → RUNNING → a terminal state). A terminal state is
 * never overwritten. An event without an attempt (0, from an older writer) counts as the
 * current attempt. Thread-safe: each event is one transaction that locks its job's row.
 */
@ApplicationScoped
public class EventStore {
  private static final Logger LOG = Logger.getLogger(EventStore.class);


  @Inject ModelRegistry models;
  @Inject Clock clock;

  /** Stores {@code event} and applies it to its job; returns false if it was stored before. */
  public boolean apply(JobEvent event) {
    try {
      return QuarkusTransaction.requiringNew().call(() -> applyInTransaction(event));
    } catch (PersistenceException e) {
      // Another writer stored the same event id between our check and our insert.
      boolean known = QuarkusTransaction.requiringNew().call(() -> JobEventRow.findById(event.eventId()) != null);
      if (known) {
        return false;
      }
      throw e;
    }
  }

  private boolean applyInTransaction(JobEvent e) {
    JobRow job = JobRow.findById(e.jobId(), LockModeType.PESSIMISTIC_WRITE);
    if (job == null) {
      LOG.warnf("event %s names unknown job %s; skipped", e.eventId(), e.jobId());
      return false;
    }
    if (JobEventRow.findById(e.eventId()) != null) {
      return false;
    }
    Instant time = Instant.ofEpochMilli(e.timeMillis());
    JobEventRow row = new JobEventRow();
    row.eventId = e.eventId();
    row.jobId = e.jobId();
    row.type = e.type().name();
    row.state = e.state() == null ? null : e.state().name();
    row.reason = e.reason();
    row.message = e.message();
    row.progress = e.progress();
    row.epoch = e.epoch();
    row.step = e.step();
    row.metrics = e.metrics() == null ? null : JsonText.write(new java.util.TreeMap<>(e.metrics()));
    row.modelPath = e.modelPath();
    row.executorId = e.executorId();
    row.time = time;
    record(row);
    int attempt = e.attempt() == 0 ? job.stateAttempt : e.attempt();
    if (attempt < job.stateAttempt) {
      LOG.debugf("event %s of job %s is of attempt %d, the job is at %d: recorded only",
          e.eventId(), e.jobId(), attempt, job.stateAttempt);
      return true;
    }
    if (!JobState.valueOf(job.status).isTerminal()) {
      job.attempt = Math.max(job.attempt, attempt);
    }
    switch (e.type()) {
      case STATE -> applyState(job, e, attempt, time);
      case METRIC -> applyMetrics(job, e, time);
      case PROGRESS -> {
        if (!JobState.valueOf(job.status).isTerminal() && e.progress() != null) {
          job.progress = e.progress();
        }
      }
      case MODEL -> registerModel(job, e, time);
      case LOG -> { }
    }
    job.updatedAt = clock.instant();
    return true;
  }

  /**
   * A model file that cannot be read is a lasting fault, not a reason to stop consuming: the
   * event is kept (its path is in the events list) and the job simply gets no model row.
   */
  private void registerModel(JobRow job, JobEvent e, Instant time) {
    try {
      job.modelId = models.register(job, e.modelPath(), time);
    } catch (java.io.UncheckedIOException | IllegalArgumentException ex) {
      LOG.errorf("job %s: cannot register its model %s: %s", job.id, e.modelPath(), ex.getMessage());
    }
  }

  private static void applyState(JobRow job, JobEvent e, int attempt, Instant time) {
    JobState current = JobState.valueOf(job.status);
    JobState next = e.state();
    boolean newAttempt = attempt > job.stateAttempt;
    if (current.isTerminal() || (!newAttempt && rank(next) < rank(current))) {
      return;
    }
    job.stateAttempt = attempt;
    job.status = next.name();
    job.statusReason = e.reason();
    if (e.executorId() != null) {
      job.executorId = e.executorId();
    }
    switch (next) {
      case ASSIGNED -> job.assignedAt = time;
      case RUNNING -> {
        if (job.startedAt == null) {
          job.startedAt = time;
        }
      }
      case SUCCEEDED, FAILED, CANCELLED -> {
        job.finishedAt = time;
        if (next == JobState.SUCCEEDED) {
          job.progress = 1.0;
        }
      }
      case QUEUED -> job.executorId = null; // a requeued attempt runs nowhere yet
    }
  }

  private static void applyMetrics(JobRow job, JobEvent e, Instant time) {
    if (e.metrics() == null) {
      return;
    }
    Map<String, Object> latest = JsonText.map(job.finalMetrics);
    for (Map.Entry<String, Double> m : e.metrics().entrySet()) {
      MetricRow metric = new MetricRow();
      metric.eventId = e.eventId();
      metric.jobId = e.jobId();
      metric.epoch = e.epoch();
      metric.step = e.step();
      metric.name = m.getKey();
      metric.value = m.getValue();
      metric.time = time;
      metric.persist();
      latest.put(m.getKey(), m.getValue());
    }
    job.finalMetrics = JsonText.write(latest);
    if (e.epoch() != null) {
      job.epoch = e.epoch();
    }
  }

  /** QUEUED 0, ASSIGNED 1, RUNNING 2, terminal 3: within an attempt, never to a lower rank. */
  private static int rank(JobState state) {
    return switch (state) {
      case QUEUED -> 0;
      case ASSIGNED -> 1;
      case RUNNING -> 2;
      case SUCCEEDED, FAILED, CANCELLED -> 3;
    };
  }

  static JobEventRow stateRow(String eventId, String jobId, JobState state, String reason, Instant time) {
    JobEventRow row = new JobEventRow();
    row.eventId = eventId;
    row.jobId = jobId;
    row.type = JobEvent.Type.STATE.name();
    row.state = state.name();
    row.reason = reason;
    row.time = time;
    return row;
  }

  /** Inserts an event row (the database assigns its seq). Call inside a transaction. */
  static void record(JobEventRow row) {
    row.persistAndFlush();
  }
}
