package trainyard.api.job;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

import trainyard.api.model.ModelRegistry;
import trainyard.api.platform.JsonText;
import trainyard.bus.JobEvent;
import trainyard.bus.JobState;
import trainyard.bus.Member;

/**
 * Writes job events to PostgreSQL, idempotently: the event id is the primary key of
 * job_events, and an event whose id is stored already changes nothing. Attempts order the
 * rest: an event of an attempt older than the one that set the job's state is recorded but
 * changes nothing else (a lost executor may still send); a state of a newer attempt replaces the
 * state whatever it was (the new attempt starts over at QUEUED or ASSIGNED); within an attempt a
 * state only moves forward (QUEUED → ASSIGNED → RUNNING → a terminal state). A terminal state is
 * never overwritten. An event without an attempt (0, from an older writer) counts as the
 * current attempt. Thread-safe: each event is one transaction that locks its job's row.
 *
 * <p>Refused ({@link RejectedEvent}, nothing stored): an event that lacks a field its type needs;
 * an executor's event of the job's current or a newer attempt when that executor does not hold
 * the attempt (its placement did not name it); a MODEL whose file is outside the job's model
 * directory. The scheduler's events (its ASSIGNED, and states naming no executor) are not fenced.
 *
 * <p>Members: the STATE ASSIGNED of the attempt that now sets the job's state records the
 * members it carries (job_members, one row per rank, overwritten by a newer attempt's). A MEMBER
 * event is not stored in job_events (each member sends one every few seconds): it only updates
 * its member's latest stats, if that member was placed by the event's attempt and the attempt is
 * the job's current one; the same event again, or one older than the stats shown, changes
 * nothing.
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
    requireFieldsOfItsType(e);
    JobRow job = JobRow.findById(e.jobId(), LockModeType.PESSIMISTIC_WRITE);
    if (job == null) {
      LOG.warnf("event %s names unknown job %s; skipped", e.eventId(), e.jobId());
      return false;
    }
    int attempt = e.attempt() == 0 ? job.stateAttempt : e.attempt();
    if (attempt >= job.stateAttempt && !fromScheduler(e) && !holds(job, e.executorId(), attempt)) {
      throw new RejectedEvent("executor " + e.executorId() + " does not hold attempt " + attempt + " of job "
          + job.id + " (its attempt is " + job.stateAttempt + ")");
    }
    if (e.type() == JobEvent.Type.MEMBER) {
      return applyMemberStats(job, e);
    }
    if (JobEventRow.findById(e.eventId()) != null) {
      return false;
    }
    Path modelFile = e.type() == JobEvent.Type.MODEL ? models.fileOf(job, e.modelPath()) : null;
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
    if (attempt < job.stateAttempt) {
      LOG.debugf("event %s of job %s is of attempt %d, the job is at %d: recorded only",
          e.eventId(), e.jobId(), attempt, job.stateAttempt);
      return true;
    }
    if (!JobState.valueOf(job.status).isTerminal()) {
      if (e.type() == JobEvent.Type.STATE && e.state() == JobState.QUEUED && attempt > job.attempt) {
        // an attempt nobody published: the scheduler requeued the job after losing its attempt
        job.lostAttempts++;
      }
      job.attempt = Math.max(job.attempt, attempt);
    }
    switch (e.type()) {
      case STATE -> {
        applyState(job, e, attempt, time);
        if (e.state() == JobState.ASSIGNED && e.members() != null && !e.members().isEmpty()
            && attempt == job.stateAttempt) {
          placeMembers(job, attempt, e.members());
        }
      }
      case METRIC -> applyMetrics(job, e, time);
      case PROGRESS -> {
        if (!JobState.valueOf(job.status).isTerminal() && e.progress() != null) {
          job.progress = e.progress();
        }
      }
      case MODEL -> {
        if (e.metrics() != null) {
          // The model's own metrics: under early stopping its epoch's, not the last epoch's.
          job.finalMetrics = JsonText.write(new java.util.TreeMap<>(e.metrics()));
        }
        registerModel(job, modelFile, time);
      }
      case LOG, MEMBER -> { }
    }
    job.updatedAt = clock.instant();
    return true;
  }

  /** Refuses an event that lacks what its type needs: nothing could apply it. */
  private static void requireFieldsOfItsType(JobEvent e) {
    String missing = switch (e.type()) {
      case STATE -> e.state() == null ? "state" : null;
      case MODEL -> e.modelPath() == null ? "modelPath" : null;
      case MEMBER -> e.rank() == null ? "rank" : null;
      case METRIC, PROGRESS, LOG -> null;
    };
    if (missing != null) {
      throw new RejectedEvent("a " + e.type() + " event without its " + missing);
    }
  }

  /**
   * The scheduler's events: its placement (STATE ASSIGNED, which names the members) and the states
   * it sets before or after an attempt runs, which name no executor.
   */
  private static boolean fromScheduler(JobEvent e) {
    return e.executorId() == null || (e.type() == JobEvent.Type.STATE && e.state() == JobState.ASSIGNED);
  }

  /**
   * Whether {@code executorId} holds attempt {@code attempt} of {@code job}: the attempt is the one
   * that sets the job's state and its placement (ASSIGNED) named the executor, as a member or, for a
   * placement without members, as the job's executor.
   */
  private static boolean holds(JobRow job, String executorId, int attempt) {
    if (attempt != job.stateAttempt) {
      return false;
    }
    long members = JobMemberRow.count("jobId = ?1 and attempt = ?2", job.id, attempt);
    return members == 0 ? executorId.equals(job.executorId)
        : JobMemberRow.count("jobId = ?1 and attempt = ?2 and executorId = ?3", job.id, attempt, executorId) > 0;
  }

  /**
   * A model file that cannot be read is a lasting fault, not a reason to stop consuming: the
   * event is kept (its path is in the events list) and the job simply gets no model row.
   */
  private void registerModel(JobRow job, Path file, Instant time) {
    try {
      job.modelId = models.register(job, file, time);
    } catch (java.io.UncheckedIOException | IllegalArgumentException ex) {
      LOG.errorf("job %s: cannot register its model %s: %s", job.id, file, ex.getMessage());
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
    // the executor knows only that it was cancelled; the api knows who asked and why
    job.statusReason = next == JobState.CANCELLED && job.cancelReason != null ? job.cancelReason : e.reason();
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

  /**
   * Records where the job's attempt {@code attempt} runs: each rank's row is overwritten, keeping
   * its stats only when the same executor already ran that rank of this attempt (an ASSIGNED
   * delivered again under another id); ranks the attempt does not have are dropped. Rows are
   * updated in place, not deleted and inserted, so the session never holds two rows of one key.
   */
  private void placeMembers(JobRow job, int attempt, List<Member> members) {
    Instant now = clock.instant();
    List<Integer> ranks = new ArrayList<>(members.size());
    for (Member m : members) {
      JobMemberRow row = JobMemberRow.of(job.id, m.rank());
      boolean fresh = row == null;
      if (fresh) {
        row = new JobMemberRow();
        row.jobId = job.id;
        row.rank = m.rank();
      }
      if (fresh || row.attempt != attempt || !row.executorId.equals(m.executorId())) {
        row.examplesPerSec = null;
        row.bytesPushed = null;
        row.bytesPulled = null;
        row.statsEventId = null;
        row.statsTime = null;
      }
      row.attempt = attempt;
      row.executorId = m.executorId();
      row.host = m.host();
      row.port = m.port();
      row.firstWorker = m.firstWorker();
      row.workers = m.workers();
      row.firstServer = m.firstServer();
      row.servers = m.servers();
      row.gpus = JsonText.write(m.gpus());
      row.updatedAt = now;
      if (fresh) {
        row.persistAndFlush();
      }
      ranks.add(m.rank());
    }
    JobMemberRow.delete("jobId = ?1 and rank not in ?2", job.id, ranks);
  }

  /**
   * A MEMBER event: the member's latest examples/s and bytes pushed and pulled. Changes nothing
   * (and returns false) when the event's attempt is not the job's current one or did not place
   * this rank, when these stats came from this very event, or when they are newer than it.
   */
  private boolean applyMemberStats(JobRow job, JobEvent e) {
    int attempt = e.attempt() == 0 ? job.stateAttempt : e.attempt();
    JobMemberRow row = e.rank() == null || e.metrics() == null || attempt != job.stateAttempt
        ? null : JobMemberRow.of(job.id, e.rank());
    if (row == null || row.attempt != attempt) {
      LOG.debugf("MEMBER event %s of job %s (attempt %d, rank %s) names no member of the job's attempt %d; ignored",
          e.eventId(), e.jobId(), attempt, e.rank(), job.stateAttempt);
      return false;
    }
    Instant time = Instant.ofEpochMilli(e.timeMillis());
    if (e.eventId().equals(row.statsEventId) || (row.statsTime != null && time.isBefore(row.statsTime))) {
      return false;
    }
    Double examplesPerSec = stat(e.metrics(), "examples_per_sec");
    Double pushed = stat(e.metrics(), "bytes_pushed");
    Double pulled = stat(e.metrics(), "bytes_pulled");
    if (examplesPerSec != null) {
      row.examplesPerSec = examplesPerSec;
    }
    if (pushed != null) {
      row.bytesPushed = Math.round(pushed);
    }
    if (pulled != null) {
      row.bytesPulled = Math.round(pulled);
    }
    row.statsEventId = e.eventId();
    row.statsTime = time;
    row.updatedAt = clock.instant();
    return true;
  }

  /** A member stat, or null when it is missing, not finite or negative (a sender's bug: shown as unknown). */
  private static Double stat(Map<String, Double> stats, String name) {
    Double v = stats.get(name);
    return v == null || !Double.isFinite(v) || v < 0 ? null : v;
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
