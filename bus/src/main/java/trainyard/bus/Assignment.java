package trainyard.bus;

import java.util.List;
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
 * @param members       RUN only: every member of the job, by rank, the same list in each
 *                      member's assignment (one member for a job on one executor); empty
 *                      otherwise. The executor finds its own part by its id.
 */
public record Assignment(
    Type type,
    String executorId,
    String jobId,
    String tenantId,
    String specJson,
    String datasetDir,
    String validationDir,
    int attempt,
    List<Member> members) {

  public enum Type { RUN, CANCEL, RELEASE }

  public Assignment {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(executorId, "executorId");
    Objects.requireNonNull(jobId, "jobId");
    members = members == null ? List.of() : List.copyOf(members);
  }

  /** The member this assignment's executor runs, or null when it is none of them. */
  public Member self() {
    for (Member m : members) {
      if (m.executorId().equals(executorId)) {
        return m;
      }
    }
    return null;
  }

  /** Runs {@code job} as the member of {@code members} whose executor is {@code executorId}. */
  public static Assignment run(String executorId, JobMessage job, List<Member> members) {
    return new Assignment(Type.RUN, executorId, job.jobId(), job.tenantId(), job.specJson(),
        job.datasetDir(), job.validationDir(), job.attempt(), members);
  }

  public static Assignment cancel(String executorId, String jobId, String tenantId) {
    return new Assignment(Type.CANCEL, executorId, jobId, tenantId, null, null, null, 0, null);
  }

  /** Tells an executor that was thought lost to stop a job that now runs elsewhere. */
  public static Assignment release(String executorId, String jobId) {
    return new Assignment(Type.RELEASE, executorId, jobId, null, null, null, null, 0, null);
  }
}
