package trainyard.api.job;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import trainyard.api.model.ModelRow;
import trainyard.api.platform.BlobStore;
import trainyard.api.problem.ApiException;
import trainyard.bus.JobState;
import trainyard.engine.io.FileTrees;

/**
 * Deletes an ended job: its rows (events, metrics, members) and its files (checkpoints, its
 * model directory). A job not yet ended is 409 {@code job_not_ended} (cancel it first); one whose
 * model is still kept is 409 {@code job_has_model}, since a model records the job it came from
 * (delete the model first). Thread-safe.
 */
@ApplicationScoped
public class JobRemoval {
  @Inject BlobStore blobs;

  public void delete(String tenantId, String jobId) throws IOException {
    QuarkusTransaction.requiringNew().run(() -> {
      JobRow job = JobService.owned(tenantId, jobId, LockModeType.PESSIMISTIC_WRITE);
      if (!JobState.valueOf(job.status).isTerminal()) {
        throw ApiException.conflict("job_not_ended", "job " + jobId + " is " + job.status
            + "; cancel it, then delete it once it has ended");
      }
      ModelRow model = ModelRow.find("jobId", jobId).firstResult();
      if (model != null) {
        throw ApiException.conflict("job_has_model", "job " + jobId + " trained model " + model.id
            + ", which records where it came from; delete the model first");
      }
      MetricRow.delete("jobId", jobId);
      JobEventRow.delete("jobId", jobId);
      JobMemberRow.delete("jobId", jobId);
      job.delete();
    });
    FileTrees.deleteRecursively(blobs.checkpoints(jobId));
    FileTrees.deleteRecursively(blobs.models(jobId));
  }

  /**
   * Deletes the checkpoints of jobs that ended (succeeded, failed or cancelled) or no longer exist:
   * only a job that may still run resumes from its checkpoint. Returns how many were deleted.
   */
  public int removeEndedCheckpoints() throws IOException {
    List<String> dirs;
    try (Stream<Path> list = Files.list(blobs.checkpoints())) {
      dirs = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
    }
    if (dirs.isEmpty()) {
      return 0;
    }
    Set<String> live = new HashSet<>(QuarkusTransaction.requiringNew().call(() -> JobRow.getEntityManager()
        .createQuery("select j.id from JobRow j where j.id in ?1 and j.status in ?2", String.class)
        .setParameter(1, dirs).setParameter(2, JobRow.UNFINISHED).getResultList()));
    int removed = 0;
    for (String jobId : dirs) {
      if (!live.contains(jobId)) {
        FileTrees.deleteRecursively(blobs.checkpoints(jobId));
        removed++;
      }
    }
    return removed;
  }
}
