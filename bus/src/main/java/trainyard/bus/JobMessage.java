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
 * @param lostAttempts      attempts of the job lost so far (its executor lost, or found running it
 *                          by no executor), as the api counts them: the scheduler counts on from
 *                          there toward its max attempts (SUBMIT only; 0 from older writers)
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
    long memoryMb,
    int lostAttempts) {

  public enum Type { SUBMIT, CANCEL }

  public JobMessage {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jobId, "jobId");
  }

  public static JobMessage submit(String jobId, String tenantId, String specJson, int priority,
      long submittedAtMillis, String datasetDir, String validationDir, int attempt, long memoryMb) {
    return new JobMessage(Type.SUBMIT, jobId, tenantId, specJson, priority, submittedAtMillis,
        datasetDir, validationDir, attempt, memoryMb, 0);
  }

  /**
   * Why a job ended FAILED after {@code attempts} failed attempts, the last for {@code cause}: in
   * the same words whether the scheduler or the api's reconciliation gave up.
   */
  public static String gaveUp(int attempts, String cause) {
    return "gave up after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + cause;
  }

  /** This SUBMIT with {@code lostAttempts} of the job lost before it. */
  public JobMessage withLostAttempts(int lostAttempts) {
    return new JobMessage(type, jobId, tenantId, specJson, priority, submittedAtMillis, datasetDir, validationDir,
        attempt, memoryMb, lostAttempts);
  }

  public static JobMessage cancel(String jobId, String tenantId) {
    return new JobMessage(Type.CANCEL, jobId, tenantId, null, 0, 0L, null, null, 0, 0, 0);
  }
}
