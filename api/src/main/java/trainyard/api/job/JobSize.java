package trainyard.api.job;

import java.time.Instant;
import java.util.List;
import trainyard.api.dataset.DatasetRow;
import trainyard.api.executor.ExecutorRow;
import trainyard.api.problem.ApiException;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.train.MemoryEstimate;
import trainyard.spec.JobSpec;

/**
 * The memory each member of a job needs (the engine's {@link MemoryEstimate} from the spec and
 * the dataset's statistics), and the submit-time check that some executor offers it: a job no executor could ever hold is refused at once (422
 * {@code job_too_large}) instead of waiting forever or failing at run time. Executors not heard
 * from for {@link #RECENT} are not counted; with none recent, the job is accepted and waits.
 * Stateless.
 */
final class JobSize {
  static final java.time.Duration RECENT = java.time.Duration.ofMinutes(2);

  private JobSize() {}

  /** MiB each member needs. */
  static long memoryMb(JobSpec spec, DatasetRow train) {
    DatasetStats stats = new DatasetStats(nz(train.rows), nz(train.features), nz(train.nonZeros), nz(train.positives),
        nz(train.negatives), nz(train.bytes), train.shards == null ? 1 : train.shards,
        train.hashBits == null ? 0 : train.hashBits, Boolean.TRUE.equals(train.hasFields), train.checksum);
    return MemoryEstimate.megabytesPerMember(spec, stats, spec.resources().executors());
  }

  /**
   * Throws 422 job_too_large when executors are known and none offers one member's memory.
   * Cores and GPUs are not checked here: executors that have them may join, and the job waits
   * with the scheduler's reason; memory is what a job outgrows, and it fails at run time.
   */
  static void checkFits(JobSpec spec, long memoryMb, Instant now) {
    List<ExecutorRow> recent = ExecutorRow.list("lastSeen > ?1", now.minus(RECENT));
    long largest = 0;
    for (ExecutorRow e : recent) {
      largest = Math.max(largest, e.memoryMb);
    }
    if (recent.isEmpty() || largest >= memoryMb) {
      return;
    }
    int executors = spec.resources().executors();
    String each = executors == 1 ? "its executor" : "each of its " + executors + " executors";
    throw new ApiException(new ApiException(422, "job_too_large", "Job too large", "the job needs " + memoryMb
        + " MB on " + each + " (the engine's estimate for this spec and dataset: its share of the model, its"
        + " workers' buffers and streamed data); the largest executor offers " + largest + " MB. Spread it over"
        + " more executors (resources.executors), use fewer workers or a smaller model, or give executors more"
        + " memory (-Xmx, TRAINYARD_EXECUTOR_MEMORY_MB)").problem().withField("resources"));
  }

  private static long nz(Long v) {
    return v == null ? 0 : v;
  }
}
