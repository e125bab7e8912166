package trainyard.engine.train;

import trainyard.engine.model.Algorithm;
import trainyard.engine.model.FmAlgorithm;
import trainyard.engine.model.LinearAlgorithm;
import trainyard.engine.model.Loss;
import trainyard.engine.spec.JobSpec;

/** Picks and configures the algorithm a spec names. Stateless. */
final class Algorithms {
  private Algorithms() {}

  static Algorithm create(JobSpec spec, TrainingData data) {
    JobSpec.Params p = spec.params();
    long expected = Math.max(1024, Math.min(data.stats.features(), 1L << 26));
    return switch (spec.algorithm()) {
      case "linear" -> new LinearAlgorithm(Loss.of(p.loss()), p.optimizer(), p.learningRate(), p.l1(), p.l2(), expected);
      case "fm" -> new FmAlgorithm(Loss.of(p.loss()), p.optimizer(), p.learningRate(), p.l1(), p.l2(), p.dim(),
          p.threshold(), expected);
      default -> throw new IllegalArgumentException("algorithm must be one of linear, fm, mlp, got '" + spec.algorithm() + "'");
    };
  }
}
