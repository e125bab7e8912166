package trainyard.bus;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Something that happened to a job, on {@link Topics#EVENTS}, keyed by job id. Consumers are
 * idempotent by {@code eventId}. Fields that do not apply to a type are null. Immutable.
 *
 * @param eventId    unique (a random UUID); the same event delivered twice has the same id
 * @param jobId      the job
 * @param attempt    the job's attempt this event belongs to (the {@link JobMessage}'s and
 *                   {@link Assignment}'s); 0 when unknown, which is what a message from a writer
 *                   older than this field reads as
 * @param type       STATE, METRIC, PROGRESS, LOG, MODEL or MEMBER
 * @param state      the new state (STATE)
 * @param reason     why: a job waits, failed or was requeued (STATE), or why a member lost its
 *                   attempt (MEMBER, then without stats), or null
 * @param epoch      1-based epoch (METRIC)
 * @param step       minibatches done so far (METRIC)
 * @param metrics    metric name → value, names as docs/ARCHITECTURE.md lists them (METRIC); the
 *                   model's final metrics, which become the job's (MODEL: the best epoch's under
 *                   early stopping, the stop's model's after a time limit; null: the last epoch's
 *                   stand); a member's {@code examples_per_sec}, {@code bytes_pushed}, {@code bytes_pulled} (MEMBER)
 * @param progress   fraction done, 0..1 (PROGRESS)
 * @param message    one log line (LOG)
 * @param modelPath  the model file in the blob store (MODEL)
 * @param executorId the executor concerned, or null (the scheduler's QUEUED)
 * @param timeMillis when it happened, by the sender's clock
 * @param members    the job's members by rank (the scheduler's STATE ASSIGNED), or null
 * @param rank       the member the event is about (MEMBER), or null
 */
public record JobEvent(
    String eventId,
    String jobId,
    int attempt,
    Type type,
    JobState state,
    String reason,
    Integer epoch,
    Long step,
    Map<String, Double> metrics,
    Double progress,
    String message,
    String modelPath,
    String executorId,
    long timeMillis,
    List<Member> members,
    Integer rank) {

  /**
   * MEMBER: one member's throughput and traffic, sent by every member of a job on several
   * executors; it never changes the job's state (only rank 0's events do).
   */
  public enum Type { STATE, METRIC, PROGRESS, LOG, MODEL, MEMBER }

  public JobEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(type, "type");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
    }
    metrics = metrics == null ? null : Map.copyOf(metrics);
    members = members == null ? null : List.copyOf(members);
  }

  public static JobEvent state(String jobId, int attempt, JobState state, String reason,
      String executorId, long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.STATE, Objects.requireNonNull(state, "state"),
        reason, null, null, null, null, null, null, executorId, timeMillis, null, null);
  }

  public static JobEvent metric(String jobId, int attempt, int epoch, long step,
      Map<String, Double> metrics, String executorId, long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.METRIC, null, null, epoch, step,
        Objects.requireNonNull(metrics, "metrics"), null, null, null, executorId, timeMillis, null, null);
  }

  public static JobEvent progress(String jobId, int attempt, double progress, String executorId,
      long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.PROGRESS, null, null, null, null, null,
        progress, null, null, executorId, timeMillis, null, null);
  }

  public static JobEvent log(String jobId, int attempt, String message, String executorId,
      long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.LOG, null, null, null, null, null, null,
        Objects.requireNonNull(message, "message"), null, executorId, timeMillis, null, null);
  }

  public static JobEvent model(String jobId, int attempt, String modelPath, Map<String, Double> finalMetrics,
      String executorId, long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.MODEL, null, null, null, null, finalMetrics, null, null,
        Objects.requireNonNull(modelPath, "modelPath"), executorId, timeMillis, null, null);
  }

  /** The scheduler's ASSIGNED: the job now runs on {@code members}. */
  public static JobEvent assigned(String jobId, int attempt, List<Member> members, long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.STATE, JobState.ASSIGNED, null, null, null, null, null, null,
        null, members.get(0).executorId(), timeMillis, Objects.requireNonNull(members, "members"), null);
  }

  /** A member's counters so far: examples/s, bytes pushed and pulled. */
  public static JobEvent member(String jobId, int attempt, int rank, Map<String, Double> stats, String executorId,
      long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.MEMBER, null, null, null, null,
        Objects.requireNonNull(stats, "stats"), null, null, null, executorId, timeMillis, null, rank);
  }

  /**
   * MEMBER: member {@code rank} lost its part of the attempt ({@code reason}: the engine's, e.g. a
   * peer silent past the timeout) and stopped without a state, which only rank 0 sends; the
   * scheduler gives the reason when it fails the attempt.
   */
  public static JobEvent memberLost(String jobId, int attempt, int rank, String reason, String executorId,
      long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.MEMBER, null, Objects.requireNonNull(reason, "reason"), null,
        null, null, null, null, null, executorId, timeMillis, null, rank);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }
}
