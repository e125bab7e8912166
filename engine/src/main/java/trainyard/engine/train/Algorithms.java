package trainyard.engine.train;

import java.io.IOException;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.model.Algorithm;
import trainyard.engine.model.Accelerator;
import trainyard.engine.model.FmAlgorithm;
import trainyard.engine.model.KeySpace;
import trainyard.engine.model.MlpAlgorithm;
import trainyard.engine.model.LinearAlgorithm;
import trainyard.engine.model.Loss;
import trainyard.spec.JobSpec;

/** Picks and configures the algorithm a spec names. Stateless. */
final class Algorithms {
  private Algorithms() {}

  /** With {@code accelerator} null, the workers compute on the CPU. */
  static Algorithm create(JobSpec spec, TrainingData data, Accelerator accelerator) throws IOException {
    JobSpec.Params p = spec.params();
    DatasetStats stats = data.stats;
    // A worker's distinct keys at most: the features, or the entries of the largest share.
    long shareEntries = stats.rows() == 0 ? 0
        : (long) Math.ceil((double) stats.nonZeros() * largestShareRows(data) / stats.rows());
    KeySpace keys = KeySpace.of(stats.features(), stats.maxFeatureId(), Math.min(stats.features() + 1, shareEntries));
    return switch (spec.algorithm()) {
      case "linear" -> new LinearAlgorithm(Loss.of(p.loss()), p.optimizer(), p.learningRate(), p.l1(), p.l2(), keys);
      case "fm" -> new FmAlgorithm(Loss.of(p.loss()), p.optimizer(), p.learningRate(), p.l1(), p.l2(), p.dim(),
          p.threshold(), keys, accelerator);
      case "mlp" -> mlp(spec, data, accelerator);
      default -> throw new IllegalArgumentException("algorithm must be one of linear, fm, mlp, got '" + spec.algorithm() + "'");
    };
  }

  /**
   * Input width from the largest feature id; classes from the labels (softmax), which must be
   * class indexes. Reads the training and validation data once, a shard at a time.
   */
  private static Algorithm mlp(JobSpec spec, TrainingData data, Accelerator accelerator) throws IOException {
    JobSpec.Params p = spec.params();
    boolean softmax = p.loss().equals("softmax");
    long[] maxId = {-1};
    int[] maxClass = {0};
    data.forEachShard(b -> {
      for (int e = 0; e < b.nonZeros(); e++) {
        if (b.keys[e] < 0) {
          throw new IllegalArgumentException("mlp feature ids must be >= 0, got " + b.keys[e]);
        }
        maxId[0] = Math.max(maxId[0], b.keys[e]);
      }
      for (int r = 0; softmax && r < b.rows; r++) {
        float y = b.labels[r];
        if (!DatasetStats.isClassIndex(y)) {
          throw new IllegalArgumentException("softmax labels must be class indexes 0.." + (DatasetStats.MAX_CLASSES - 1)
              + ", got " + y);
        }
        maxClass[0] = Math.max(maxClass[0], (int) y);
      }
    });
    if (maxId[0] > MlpShape.MAX_FEATURE_ID) {
      throw new IllegalArgumentException(MlpShape.idProblem(maxId[0]));
    }
    int[] sizes = new int[p.hiddenSize() + 2];
    sizes[0] = (int) MlpShape.inputs(maxId[0]);
    for (int i = 0; i < p.hiddenSize(); i++) {
      sizes[i + 1] = p.hidden(i);
    }
    sizes[sizes.length - 1] = softmax ? MlpShape.outputs(maxClass[0] + 1) : 1;
    return new MlpAlgorithm(sizes, softmax, p.optimizer(), p.learningRate(), p.l1(), p.l2(), accelerator,
        (int) Math.min(p.batchSize(), largestShareRows(data)), p.seed());
  }

  /** The training rows of the worker with the most, at least 1. */
  private static long largestShareRows(TrainingData data) {
    long largest = 1;
    for (int w = 0; w < data.workerCount(); w++) {
      largest = Math.max(largest, data.shareRows(w));
    }
    return largest;
  }
}
