package trainyard.engine.optim;

import trainyard.engine.ps.Updater;

/** Builds the updater a job spec names. Stateless. */
public final class Optimizers {
  private Optimizers() {}

  /** {@code name}: sgd, adagrad, ftrl or adam. */
  public static Updater create(String name, int width, double learningRate, double l1, double l2, WeightInit init) {
    if (name == null) {
      throw new IllegalArgumentException("optimizer must be one of sgd, adagrad, ftrl, adam, got null");
    }
    return switch (name) {
      case "sgd" -> new SgdUpdater(width, learningRate, l1, l2, init);
      case "adagrad" -> new AdaGradUpdater(width, learningRate, l1, l2, init);
      case "ftrl" -> new FtrlUpdater(width, learningRate, l1, l2, init);
      case "adam" -> new AdamUpdater(width, learningRate, l1, l2, init);
      default -> throw new IllegalArgumentException("optimizer must be one of sgd, adagrad, ftrl, adam, got '" + name + "'");
    };
  }
}
