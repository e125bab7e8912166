package trainyard.bus;

import java.util.Objects;

/**
 * A job on {@link Topics#JOBS}, keyed by job id: the api submits or cancels it, the scheduler
 * consumes it. Immutable.
 *
 * @param type              SUBMIT or CANCEL
 * @param jobId             the job
 * @param tenantId          the job's owner
 * @param specJson          the job spec as JSON (SUBMIT only)
 * @param priority          higher runs first (SUBMIT only)
 * @param submittedAtMillis when the user submitted it; ties in priority go to the older job
 * @param datasetDir        the ingested training dataset's directory (SUBMIT only)
 * @param validationDir     the validation dataset's directory, or null (spec's fraction)
 * @param attempt           1 for the first submit; the api adds one on every re-publish
 * @param memoryMb          memory each member needs, the engine's estimate for the job's spec and
 *                          dataset (SUBMIT only); 0 when unknown (a fixed allowance is assumed)
 */
public record JobMessage(
    Type type,
    String jobId,
    String tenantId,
    String specJson,
    int priority,
    long submittedAtMillis,
    String datasetDir,
    String validationDir,
    int attempt,
    long memoryMb) {

  public enum Type { SUBMIT, CANCEL }

  public JobMessage {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jobId, "jobId");
  }

  public static JobMessage submit(String jobId, String tenantId, String specJson, int priority,
      long submittedAtMillis, String datasetDir, String validationDir, int attempt, long memoryMb) {
    return new JobMessage(Type.SUBMIT, jobId, tenantId, specJson, priority, submittedAtMillis,
        datasetDir, validationDir, attempt, memoryMb);
  }

  public static JobMessage cancel(String jobId, String tenantId) {
    return new JobMessage(Type.CANCEL, jobId, tenantId, null, 0, 0L, null, null, 0, 0);
  }
}
