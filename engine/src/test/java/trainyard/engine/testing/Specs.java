package trainyard.engine.testing;

import trainyard.spec.JobSpec;

/** Job specs for tests, built in code. */
public final class Specs {
  private Specs() {}

  public static JobSpec spec(String algorithm, String loss, String optimizer, double lr, double l1, double l2, int dim,
      int epochs, int batchSize, int[] hidden, int threshold, int workers, int servers, int maxDelay, Double fraction,
      long maxSeconds, long seed) {
    return new JobSpec("test", algorithm, "ds_test", fraction == null ? null : new JobSpec.Validation(null, fraction),
        new JobSpec.Params(loss, optimizer, lr, l1, l2, dim, epochs, batchSize, hidden, threshold, 0, seed),
        new JobSpec.Resources(workers, servers, 0), new JobSpec.Consistency(maxDelay), new JobSpec.Stopping(maxSeconds == 0 ? 2_592_000 : maxSeconds), 0);
  }

  /** {@code s} with the learning-rate schedule {@code schedule} and {@code warmupSteps}. */
  public static JobSpec withSchedule(JobSpec s, String schedule, int warmupSteps) {
    JobSpec.Params p = s.params();
    return new JobSpec(s.name(), s.algorithm(), s.dataset(), s.validation(),
        new JobSpec.Params(p.loss(), p.optimizer(), p.learningRate(), p.l1(), p.l2(), p.dim(), p.epochs(),
            p.batchSize(), p.hidden(), p.threshold(), p.hashBits(), p.seed(), schedule, warmupSteps),
        s.resources(), s.consistency(), s.stopping(), s.priority());
  }

  public static JobSpec linear(String optimizer, double lr, int epochs, int batchSize, int workers, int servers,
      int maxDelay) {
    return spec("linear", "logistic", optimizer, lr, 0, 0, 8, epochs, batchSize, new int[0], 0, workers, servers,
        maxDelay, null, 0, 42);
  }
}
