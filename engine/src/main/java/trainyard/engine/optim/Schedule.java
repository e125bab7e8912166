package trainyard.engine.optim;

/**
 * A learning-rate schedule: the factor on the optimizer's rate η for step s = 0, 1, … of T, where a
 * step is one minibatch of one worker, counted over the job (epoch · the worker's minibatches per
 * epoch + the minibatch's position in the epoch) and T is the worker's minibatches over all epochs
 * (docs/FORMATS.md, "Learning-rate schedules"). A pure function of s, so a resumed job and every
 * transport get the same factors. Immutable and thread-safe.
 *
 * <pre>
 * warm-up, W steps:  f(s) = (s + 1) / W                            for s &lt; W
 * constant:          f(s) = 1                                      for s ≥ W
 * inverse-sqrt:      f(s) = √(max(W, 1) / (s + 1))                 for s ≥ W
 * cosine:            f(s) = ½ (1 + cos(π · min(1, (s − W) / max(1, T − W))))   for s ≥ W
 * </pre>
 */
public final class Schedule {
  /** The factor 1 at every step: today's constant rate. */
  public static final Schedule CONSTANT = new Schedule(Shape.CONSTANT, 0, 1);

  private enum Shape { CONSTANT, INVERSE_SQRT, COSINE }

  private final Shape shape;
  private final long warmup;
  private final long total;

  private Schedule(Shape shape, long warmup, long total) {
    this.shape = shape;
    this.warmup = warmup;
    this.total = total;
  }

  /**
   * @param name        {@code constant}, {@code inverse-sqrt} or {@code cosine}
   * @param warmupSteps W >= 0
   * @param totalSteps  T >= 1, the worker's steps over the job
   */
  public static Schedule of(String name, long warmupSteps, long totalSteps) {
    if (warmupSteps < 0 || totalSteps < 1) {
      throw new IllegalArgumentException("warmupSteps must be >= 0 and totalSteps >= 1, got " + warmupSteps
          + " and " + totalSteps);
    }
    Shape shape = switch (name) {
      case "constant" -> Shape.CONSTANT;
      case "inverse-sqrt" -> Shape.INVERSE_SQRT;
      case "cosine" -> Shape.COSINE;
      default -> throw new IllegalArgumentException(
          "schedule must be one of constant, inverse-sqrt, cosine, got '" + name + "'");
    };
    return shape == Shape.CONSTANT && warmupSteps == 0 ? CONSTANT : new Schedule(shape, warmupSteps, totalSteps);
  }

  /** The factor on η at step {@code s} (>= 0), in [0, 1]. */
  public float factor(long s) {
    if (s < warmup) {
      return (float) ((s + 1) / (double) warmup);
    }
    return switch (shape) {
      case CONSTANT -> 1f;
      case INVERSE_SQRT -> (float) Math.sqrt(Math.max(warmup, 1) / (double) (s + 1));
      case COSINE -> (float) (0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, (s - warmup) / (double) Math.max(1, total - warmup)))));
    };
  }
}
