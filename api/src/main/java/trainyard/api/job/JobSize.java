package trainyard.api.job;

import java.time.Instant;
import java.util.List;
import trainyard.api.dataset.DatasetRow;
import trainyard.api.executor.ExecutorRow;
import trainyard.api.problem.ApiException;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.train.MemoryEstimate;
import trainyard.engine.train.MlpShape;
import trainyard.spec.JobSpec;

/**
 * The memory each member of a job needs (the engine's {@link MemoryEstimate} from the spec and
 * the dataset's statistics), and the submit-time checks that some executor offers it and that
 * the model can take the data: a job no executor could ever hold, or whose data its model cannot
 * take, is refused at once (422 {@code job_too_large}, {@code dataset_shape}) instead of waiting
 * forever or failing at run time. Executors not heard
 * from for {@link #RECENT} are not counted; with none recent, the job is accepted and waits.
 * Stateless.
 */
final class JobSize {
  static final java.time.Duration RECENT = java.time.Duration.ofMinutes(2);

  private JobSize() {}

  /** MiB each member needs. */
  static long memoryMb(JobSpec spec, DatasetRow train) {
    return MemoryEstimate.megabytesPerMember(spec, stats(train), spec.resources().executors());
  }

  /**
   * Throws 422 dataset_shape when an mlp cannot take the data of {@code dataset} (the job's
   * {@code field}): feature ids past its dense input, or softmax labels that are not class
   * indexes. The engine would find it only when the job runs.
   */
  static void checkShape(JobSpec spec, DatasetRow dataset, String field) {
    String problem = spec.algorithm().equals("mlp") ? MlpShape.problem(spec.params().loss(), stats(dataset)) : null;
    if (problem != null) {
      throw new ApiException(new ApiException(422, "dataset_shape", "Dataset does not fit the model",
          "dataset " + dataset.id + ": " + problem).problem().withField(field));
    }
  }

  private static DatasetStats stats(DatasetRow d) {
    return new DatasetStats(nz(d.rows), nz(d.features), nz(d.nonZeros), nz(d.positives), nz(d.negatives), nz(d.bytes),
        d.shards == null ? 1 : d.shards, d.hashBits == null ? 0 : d.hashBits, Boolean.TRUE.equals(d.hasFields),
        d.checksum, d.maxFeatureId == null ? -1 : d.maxFeatureId, d.classes == null ? -1 : d.classes);
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
