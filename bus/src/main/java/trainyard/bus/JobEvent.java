package trainyard.bus;

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
 * @param type       STATE, METRIC, PROGRESS, LOG or MODEL
 * @param state      the new state (STATE)
 * @param reason     why: a job waits, failed or was requeued (STATE), or null
 * @param epoch      1-based epoch (METRIC)
 * @param step       minibatches done so far (METRIC)
 * @param metrics    metric name → value, names as docs/ARCHITECTURE.md lists them (METRIC)
 * @param progress   fraction done, 0..1 (PROGRESS)
 * @param message    one log line (LOG)
 * @param modelPath  the model file in the blob store (MODEL)
 * @param executorId the executor concerned, or null (the scheduler's QUEUED)
 * @param timeMillis when it happened, by the sender's clock
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
    long timeMillis) {

  public enum Type { STATE, METRIC, PROGRESS, LOG, MODEL }

  public JobEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(type, "type");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
    }
    metrics = metrics == null ? null : Map.copyOf(metrics);
  }

  public static JobEvent state(String jobId, int attempt, JobState state, String reason,
      String executorId, long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.STATE, Objects.requireNonNull(state, "state"),
        reason, null, null, null, null, null, null, executorId, timeMillis);
  }

  public static JobEvent metric(String jobId, int attempt, int epoch, long step,
      Map<String, Double> metrics, String executorId, long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.METRIC, null, null, epoch, step,
        Objects.requireNonNull(metrics, "metrics"), null, null, null, executorId, timeMillis);
  }

  public static JobEvent progress(String jobId, int attempt, double progress, String executorId,
      long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.PROGRESS, null, null, null, null, null,
        progress, null, null, executorId, timeMillis);
  }

  public static JobEvent log(String jobId, int attempt, String message, String executorId,
      long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.LOG, null, null, null, null, null, null,
        Objects.requireNonNull(message, "message"), null, executorId, timeMillis);
  }

  public static JobEvent model(String jobId, int attempt, String modelPath, String executorId,
      long timeMillis) {
    return new JobEvent(newId(), jobId, attempt, Type.MODEL, null, null, null, null, null, null, null,
        Objects.requireNonNull(modelPath, "modelPath"), executorId, timeMillis);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }
}
