package trainyard.engine.spec;

/**
 * A training job as a user writes it: one shape for every algorithm (DESIGN.md, "Job spec").
 * Immutable; every instance has passed validation, so consumers never re-check ranges.
 *
 * @param name        a label chosen by the user, 1..200 characters
 * @param algorithm   {@code linear}, {@code fm} or {@code mlp}
 * @param dataset     id of the training dataset
 * @param validation  held-out data: another dataset, or a fraction of the training rows
 * @param params      learning parameters
 * @param resources   workers, servers and GPUs the job asks for
 * @param consistency the bounded-delay clock
 * @param stopping    when to stop besides the epoch count
 * @param priority    higher runs first; ties go to the older job
 */
public record JobSpec(
    String name,
    String algorithm,
    String dataset,
    Validation validation,
    Params params,
    Resources resources,
    Consistency consistency,
    Stopping stopping,
    int priority) {

  /** Exactly one of {@code dataset} and {@code fraction} is set; fraction in (0, 0.5]. */
  public record Validation(String dataset, Double fraction) {}

  /**
   * @param loss         {@code logistic}, {@code squared}, {@code hinge} (linear, fm) or {@code softmax} (mlp)
   * @param optimizer    {@code sgd}, {@code adagrad}, {@code ftrl} or {@code adam}
   * @param hidden       MLP hidden layer sizes; empty for other algorithms
   * @param threshold    FM: occurrences before a feature gets an embedding (memory-adaptive)
   * @param hashBits     0: keep feature ids; b in 1..40: hash ids into 2^b
   */
  public record Params(
      String loss,
      String optimizer,
      double learningRate,
      double l1,
      double l2,
      int dim,
      int epochs,
      int batchSize,
      int[] hidden,
      int threshold,
      int hashBits,
      long seed) {}

  public record Resources(int workers, int servers, int gpus) {}

  /** {@code maxDelay} τ: 0 sequential, n bounded, -1 eventual (τ = ∞). */
  public record Consistency(int maxDelay) {}

  /** {@code maxSeconds}: wall-clock budget of the whole job. */
  public record Stopping(long maxSeconds) {}
}
