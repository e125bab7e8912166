package trainyard.engine.train;

import java.nio.file.Path;
import trainyard.engine.data.Dataset;
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
 */
public record TrainRequest(JobSpec spec, Dataset train, Dataset validation, Path checkpointDir, int attempt) {
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

  /** Attempt unknown (0): no fencing against other attempts of the job. */
  public TrainRequest(JobSpec spec, Dataset train, Dataset validation, Path checkpointDir) {
    this(spec, train, validation, checkpointDir, 0);
  }
}
