package trainyard.engine.train;

import java.nio.file.Path;
import trainyard.engine.data.Dataset;
import trainyard.engine.model.Accelerator;
import trainyard.spec.JobSpec;

/**
 * What to train.
 *
 * @param spec          the job spec
 * @param train         training data
 * @param validation    held-out data, or null: the spec's {@code validation.fraction} of the
 *                      training rows (chosen by the seed), or no validation at all
 * @param checkpointDir where checkpoints go and are resumed from, or null: none
 * @param attempt       the job's attempt (0: unknown): checkpoints record it, and an attempt that
 *                      finds a newer one's checkpoint has been replaced and stops (fencing)
 * @param accelerator   the devices the job's workers compute on, or null: the CPU. The caller
 *                      owns it and closes it after the job
 */
public record TrainRequest(JobSpec spec, Dataset train, Dataset validation, Path checkpointDir, int attempt,
    Accelerator accelerator) {
  public TrainRequest {
    if (spec == null) {
      throw new IllegalArgumentException("spec must not be null");
    }
    if (train == null) {
      throw new IllegalArgumentException("train dataset must not be null");
    }
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
    }
  }

  /** On the CPU. */
  public TrainRequest(JobSpec spec, Dataset train, Dataset validation, Path checkpointDir, int attempt) {
    this(spec, train, validation, checkpointDir, attempt, null);
  }

  /** Attempt unknown (0): no fencing against other attempts of the job. */
  public TrainRequest(JobSpec spec, Dataset train, Dataset validation, Path checkpointDir) {
    this(spec, train, validation, checkpointDir, 0);
  }

  /** This request with its workers computing on {@code accelerator} (null: the CPU). */
  public TrainRequest withAccelerator(Accelerator accelerator) {
    return new TrainRequest(spec, train, validation, checkpointDir, attempt, accelerator);
  }
}
