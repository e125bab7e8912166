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
 * @param cacheBytes    heap the job may keep prepared blocks and validation rows in, or -1: what
 *                      its memory estimate leaves free under {@code -Xmx}, as if the job were alone
 *                      in the JVM (an executor running several jobs gives each its share)
 */
public record TrainRequest(JobSpec spec, Dataset train, Dataset validation, Path checkpointDir, int attempt,
    Accelerator accelerator, long cacheBytes) {
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
    if (cacheBytes < -1) {
      throw new IllegalArgumentException("cacheBytes must be >= 0, or -1 for the default, got " + cacheBytes);
    }
  }

  /** On the CPU. */
  public TrainRequest(JobSpec spec, Dataset train, Dataset validation, Path checkpointDir, int attempt) {
    this(spec, train, validation, checkpointDir, attempt, null, -1);
  }

  /** Attempt unknown (0): no fencing against other attempts of the job. */
  public TrainRequest(JobSpec spec, Dataset train, Dataset validation, Path checkpointDir) {
    this(spec, train, validation, checkpointDir, 0);
  }

  /** This request with its workers computing on {@code accelerator} (null: the CPU). */
  public TrainRequest withAccelerator(Accelerator accelerator) {
    return new TrainRequest(spec, train, validation, checkpointDir, attempt, accelerator, cacheBytes);
  }

  /** This request with a cache budget of {@code cacheBytes} (-1: the default). */
  public TrainRequest withCacheBytes(long cacheBytes) {
    return new TrainRequest(spec, train, validation, checkpointDir, attempt, accelerator, cacheBytes);
  }
}
