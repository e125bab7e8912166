package trainyard.bus;

import java.util.Objects;

/**
 * Work for one executor on {@link Topics#ASSIGNMENTS}, keyed by executor id: the scheduler
 * sends it, the executor named by {@code executorId} acts on it. Immutable.
 *
 * @param type          RUN a job; CANCEL it (the user asked: it ends CANCELLED); RELEASE it (the
 *                      scheduler moved it elsewhere: stop without a terminal state)
 * @param executorId    the executor that must act
 * @param jobId         the job
 * @param tenantId      the job's owner
 * @param specJson      the job spec as JSON (RUN only)
 * @param datasetDir    training dataset directory (RUN only)
 * @param validationDir validation dataset directory, or null
 * @param attempt       the job's attempt, copied from its {@link JobMessage}
 */
public record Assignment(
    Type type,
    String executorId,
    String jobId,
    String tenantId,
    String specJson,
    String datasetDir,
    String validationDir,
    int attempt) {

  public enum Type { RUN, CANCEL, RELEASE }

  public Assignment {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(executorId, "executorId");
    Objects.requireNonNull(jobId, "jobId");
  }

  public static Assignment run(String executorId, JobMessage job) {
    return new Assignment(Type.RUN, executorId, job.jobId(), job.tenantId(), job.specJson(),
        job.datasetDir(), job.validationDir(), job.attempt());
  }

  public static Assignment cancel(String executorId, String jobId, String tenantId) {
    return new Assignment(Type.CANCEL, executorId, jobId, tenantId, null, null, null, 0);
  }

  /** Tells an executor that was thought lost to stop a job that now runs elsewhere. */
  public static Assignment release(String executorId, String jobId) {
    return new Assignment(Type.RELEASE, executorId, jobId, null, null, null, null, 0);
  }
}
