package trainyard.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A training job as a user writes it: one shape for every algorithm (DESIGN.md, "Job spec").
 * Immutable; every instance has passed validation (the compact constructors check every range and
 * throw {@link SpecException}), so consumers never re-check ranges.
 *
 * <p>{@link #parse(String)} reads the JSON form strictly (unknown keys, wrong types and missing
 * required fields are rejected) and fills the defaults; {@link #toJson()} writes every field, so
 * {@code parse(spec.toJson()).equals(spec)}.
 *
 * @param name        a label chosen by the user, 1..200 characters
 * @param algorithm   {@code linear}, {@code fm} or {@code mlp}
 * @param dataset     id of the training dataset
 * @param validation  held-out data: another dataset, or a fraction of the training rows; null: none
 * @param params      learning parameters
 * @param resources   workers, servers and GPUs the job asks for
 * @param consistency the bounded-delay clock
 * @param stopping    when to stop besides the epoch count
 * @param priority    higher runs first among its tenant's own jobs (tenants share the executors fairly); ties go to the older job; -1000..1000
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

  public static final List<String> ALGORITHMS = List.of("linear", "fm", "mlp");
  public static final List<String> SPARSE_LOSSES = List.of("logistic", "squared", "hinge");
  public static final List<String> MLP_LOSSES = List.of("softmax", "logistic");
  public static final List<String> OPTIMIZERS = List.of("sgd", "adagrad", "ftrl", "adam");
  public static final List<String> MLP_OPTIMIZERS = List.of("sgd", "adagrad", "adam");
  public static final List<String> SCHEDULES = List.of("constant", "inverse-sqrt", "cosine");

  public JobSpec {
    Checks.text("name", name, 200);
    Checks.oneOf("algorithm", algorithm, ALGORITHMS);
    Checks.text("dataset", dataset, 200);
    if (params == null) {
      throw new SpecException("params", SpecException.MISSING_FIELD, "params is required");
    }
    if (resources == null) {
      throw new SpecException("resources", SpecException.MISSING_FIELD, "resources is required");
    }
    if (consistency == null) {
      throw new SpecException("consistency", SpecException.MISSING_FIELD, "consistency is required");
    }
    if (stopping == null) {
      throw new SpecException("stopping", SpecException.MISSING_FIELD, "stopping is required");
    }
    Checks.intRange("priority", priority, -1000, 1000);
    boolean mlp = algorithm.equals("mlp");
    Checks.oneOf("params.loss", params.loss(), mlp ? MLP_LOSSES : SPARSE_LOSSES);
    Checks.oneOf("params.optimizer", params.optimizer(), mlp ? MLP_OPTIMIZERS : OPTIMIZERS);
    if (mlp && params.hiddenSize() == 0) {
      throw new SpecException("params.hidden", SpecException.INVALID_VALUE,
          "params.hidden must name at least one layer for mlp, got []");
    }
    if (!mlp && params.hiddenSize() > 0) {
      throw new SpecException("params.hidden", SpecException.INVALID_VALUE,
          "params.hidden is only for mlp, got " + Arrays.toString(params.hidden()) + " for " + algorithm);
    }
    if (params.optimizer().equals("ftrl") && params.scheduled()) {
      // FTRL's per-coordinate rates decay by themselves, and its α also divides: no factor fits it.
      throw new SpecException(params.schedule().equals("constant") ? "params.warmupSteps" : "params.schedule",
          SpecException.INVALID_VALUE, "params.schedule and params.warmupSteps need optimizer sgd, adagrad or adam,"
          + " got schedule \"" + params.schedule() + "\" with " + params.warmupSteps() + " warm-up steps for ftrl");
    }
    if (stopping.patience() > 0) {
      if (validation == null) {
        throw new SpecException("stopping.patience", SpecException.INVALID_VALUE,
            "stopping.patience needs validation data to watch " + stopping.metric() + ": set validation, got "
            + stopping.patience() + " without it");
      }
      checkMetric(stopping.metric(), params.loss());
    }
  }

  /** The metrics a model of {@code loss} reports on its validation data (MetricsAccumulator). */
  private static void checkMetric(String metric, String loss) {
    boolean squared = loss.equals("squared");
    if (metric.equals(Stopping.VAL_RMSE) != squared
        || (metric.equals(Stopping.VAL_AUC) && loss.equals("softmax"))) {
      throw new SpecException("stopping.metric", SpecException.INVALID_VALUE,
          "stopping.metric " + metric + " is not measured for loss " + loss + ": use "
          + (squared ? Stopping.VAL_RMSE : loss.equals("softmax") ? "val_logloss or val_accuracy"
              : "val_logloss, val_auc or val_accuracy") + ", got \"" + metric + "\"");
    }
  }

  /**
   * Reads a spec from JSON, strictly, and fills defaults (DESIGN.md "Job spec", docs/FORMATS.md).
   *
   * @throws SpecException with the JSON path, a stable code and a message naming the value
   */
  public static JobSpec parse(String json) {
    return SpecJson.parse(json);
  }

  /**
   * The JSON Schema (2020-12) of the JSON form, for the API's document and for clients: every
   * field with its type, range and default. It accepts what {@link #parse} accepts but for the
   * one rule it cannot state (workers and servers at least executors); JobSpecSchemaTest holds
   * the two to the same table.
   */
  public static String jsonSchema() {
    try (InputStream in = JobSpec.class.getResourceAsStream("job-spec.schema.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON form with every field written out (defaults included); parse() reads it back equal. */
  public String toJson() {
    return SpecJson.write(this);
  }

  /** Exactly one of {@code dataset} and {@code fraction} is set; fraction in (0, 0.5]. */
  public record Validation(String dataset, Double fraction) {
    public Validation {
      if ((dataset == null) == (fraction == null)) {
        throw new SpecException("validation", SpecException.INVALID_VALUE,
            "validation must have exactly one of dataset and fraction");
      }
      if (dataset != null) {
        Checks.text("validation.dataset", dataset, 200);
      } else if (!(fraction > 0 && fraction <= 0.5)) {
        throw new SpecException("validation.fraction", SpecException.OUT_OF_RANGE,
            "validation.fraction must be > 0 and <= 0.5, got " + fraction);
      }
    }

    public static Validation ofDataset(String dataset) {
      return new Validation(dataset, null);
    }

    public static Validation ofFraction(double fraction) {
      return new Validation(null, fraction);
    }
  }

  /**
   * @param loss         {@code logistic}, {@code squared}, {@code hinge} (linear, fm) or {@code softmax}, {@code logistic} (mlp)
   * @param optimizer    {@code sgd}, {@code adagrad}, {@code ftrl} or {@code adam} ({@code ftrl} not for mlp)
   * @param learningRate in (0, 100]
   * @param l1           L1 strength, in [0, 1e6]
   * @param l2           L2 strength, in [0, 1e6]
   * @param dim          FM embedding size, 1..1024
   * @param epochs       passes over the data, 1..10000
   * @param batchSize    examples per minibatch, 1..1000000
   * @param hidden       MLP hidden layer sizes (each 1..65536, at most 16 layers); empty for other algorithms
   * @param threshold    FM: occurrences before a feature gets an embedding (memory-adaptive), >= 0
   * @param hashBits     0: keep feature ids; b in 1..40: hash ids into 2^b
   * @param seed         seeds every random choice of the job
   * @param schedule     {@code constant}, {@code inverse-sqrt} or {@code cosine}: the learning rate's factor over
   *                     the steps (docs/FORMATS.md, "Learning-rate schedules")
   * @param warmupSteps  steps of linear warm-up from 0, 0..1000000000; 0: none
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
      long seed,
      String schedule,
      int warmupSteps) {

    public Params {
      Checks.positive("params.learningRate", learningRate, 100);
      Checks.nonNegative("params.l1", l1, 1e6);
      Checks.nonNegative("params.l2", l2, 1e6);
      Checks.intRange("params.dim", dim, 1, 1024);
      Checks.intRange("params.epochs", epochs, 1, 10_000);
      Checks.intRange("params.batchSize", batchSize, 1, 1_000_000);
      if (hidden == null) {
        throw new SpecException("params.hidden", SpecException.MISSING_FIELD, "params.hidden is required");
      }
      if (hidden.length > 16) {
        throw new SpecException("params.hidden", SpecException.OUT_OF_RANGE,
            "params.hidden may have at most 16 layers, got " + hidden.length);
      }
      hidden = hidden.clone();
      for (int i = 0; i < hidden.length; i++) {
        Checks.intRange("params.hidden[" + i + "]", hidden[i], 1, 65_536);
      }
      Checks.intRange("params.threshold", threshold, 0, Integer.MAX_VALUE);
      Checks.intRange("params.hashBits", hashBits, 0, 40);
      Checks.oneOf("params.schedule", schedule, SCHEDULES);
      Checks.intRange("params.warmupSteps", warmupSteps, 0, 1_000_000_000);
    }

    /** A constant rate without warm-up. */
    public Params(String loss, String optimizer, double learningRate, double l1, double l2, int dim, int epochs,
        int batchSize, int[] hidden, int threshold, int hashBits, long seed) {
      this(loss, optimizer, learningRate, l1, l2, dim, epochs, batchSize, hidden, threshold, hashBits, seed,
          "constant", 0);
    }

    /** Whether the rate changes over the steps: a schedule other than constant, or a warm-up. */
    public boolean scheduled() {
      return !schedule.equals("constant") || warmupSteps > 0;
    }

    /**
     * The defaults of docs/FORMATS.md for an algorithm, each chosen by measurement on datasets of
     * several shapes (docs/DEFAULTS.md). Per-coordinate AdaGrad for the sparse models: its steps do
     * not depend on the gradients' scale, so one rate fits features of any frequency.
     */
    public static Params defaults(String algorithm) {
      return switch (String.valueOf(algorithm)) {
        case "mlp" -> new Params("logistic", "adam", 0.001, 0, 0, 8, 3, 128, new int[] {256}, 0, 0, 1);
        case "fm" -> new Params("logistic", "adagrad", 0.03, 0, 0.001, 8, 3, 500, new int[0], 50, 0, 1);
        default -> new Params("logistic", "adagrad", 0.03, 0, 0.0001, 8, 3, 200, new int[0], 0, 0, 1);
      };
    }

    /** A copy: the record stays immutable. */
    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    public int hiddenSize() {
      return hidden.length;
    }

    /** Size of hidden layer {@code i}, without copying the array. */
    public int hidden(int i) {
      return hidden[i];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Params p
          && loss.equals(p.loss) && optimizer.equals(p.optimizer)
          && Double.compare(learningRate, p.learningRate) == 0
          && Double.compare(l1, p.l1) == 0 && Double.compare(l2, p.l2) == 0
          && dim == p.dim && epochs == p.epochs && batchSize == p.batchSize
          && Arrays.equals(hidden, p.hidden) && threshold == p.threshold
          && hashBits == p.hashBits && seed == p.seed
          && schedule.equals(p.schedule) && warmupSteps == p.warmupSteps;
    }

    @Override
    public int hashCode() {
      int h = loss.hashCode() * 31 + optimizer.hashCode();
      h = h * 31 + Double.hashCode(learningRate);
      h = h * 31 + Double.hashCode(l1);
      h = h * 31 + Double.hashCode(l2);
      h = h * 31 + dim;
      h = h * 31 + epochs;
      h = h * 31 + batchSize;
      h = h * 31 + Arrays.hashCode(hidden);
      h = h * 31 + threshold;
      h = h * 31 + hashBits;
      h = h * 31 + Long.hashCode(seed);
      h = h * 31 + schedule.hashCode();
      return h * 31 + warmupSteps;
    }

    @Override
    public String toString() {
      return "Params[loss=" + loss + ", optimizer=" + optimizer + ", learningRate=" + learningRate
          + ", l1=" + l1 + ", l2=" + l2 + ", dim=" + dim + ", epochs=" + epochs + ", batchSize=" + batchSize
          + ", hidden=" + Arrays.toString(hidden) + ", threshold=" + threshold + ", hashBits=" + hashBits
          + ", seed=" + seed + ", schedule=" + schedule + ", warmupSteps=" + warmupSteps + "]";
    }
  }

  /**
   * workers 1..256 and servers 1..64 are the job's totals, split as evenly as possible over
   * {@code executors} 1..64 distinct executors (gang-placed: all or none), each of which runs at
   * least one worker and one server; gpus 0..64 per executor.
   */
  public record Resources(int workers, int servers, int gpus, int executors) {
    public Resources {
      Checks.intRange("resources.executors", executors, 1, 64);
      Checks.intRange("resources.workers", workers, 1, 256);
      Checks.intRange("resources.servers", servers, 1, 64);
      Checks.intRange("resources.gpus", gpus, 0, 64);
      Checks.atLeast("resources.workers", workers, "resources.executors", executors, "each executor runs a worker");
      Checks.atLeast("resources.servers", servers, "resources.executors", executors, "each executor runs a server");
    }

    /** One executor. */
    public Resources(int workers, int servers, int gpus) {
      this(workers, servers, gpus, 1);
    }

    /** Workers of member {@code rank}: an even split, the first members taking the remainder. */
    public int workersOf(int rank) {
      return share(workers, rank);
    }

    /** Servers of member {@code rank}, split as {@link #workersOf}. */
    public int serversOf(int rank) {
      return share(servers, rank);
    }

    /** The first global index of member {@code rank}'s share of {@code total}. */
    public int firstOf(int total, int rank) {
      return rank * (total / executors) + Math.min(rank, total % executors);
    }

    private int share(int total, int rank) {
      return total / executors + (rank < total % executors ? 1 : 0);
    }
  }

  /** {@code maxDelay} τ: 0 sequential, n bounded (up to 1000000), -1 eventual (τ = ∞). */
  public record Consistency(int maxDelay) {
    public static final int EVENTUAL = -1;

    public Consistency {
      Checks.intRange("consistency.maxDelay", maxDelay, -1, 1_000_000);
    }
  }

  /**
   * {@code maxSeconds}: wall-clock budget of the whole job, 1..2592000 (30 days);
   * {@code checkpointSeconds}: a checkpoint is also taken within an epoch when the last one is
   * this old, 1..86400 (epoch ends always take one); {@code patience}: 0 (off) or 1..10000 epochs
   * without improvement of the validation metric {@code metric} after which the job ends early with
   * the best epoch's model (lower is better for {@code val_logloss} and {@code val_rmse}, higher for
   * {@code val_auc} and {@code val_accuracy}).
   */
  public record Stopping(long maxSeconds, long checkpointSeconds, int patience, String metric) {
    public static final long DEFAULT_CHECKPOINT_SECONDS = 300;
    public static final String VAL_LOGLOSS = "val_logloss";
    public static final String VAL_AUC = "val_auc";
    public static final String VAL_ACCURACY = "val_accuracy";
    public static final String VAL_RMSE = "val_rmse";
    public static final List<String> METRICS = List.of(VAL_LOGLOSS, VAL_AUC, VAL_ACCURACY, VAL_RMSE);

    public Stopping {
      Checks.longRange("stopping.maxSeconds", maxSeconds, 1, 2_592_000);
      Checks.longRange("stopping.checkpointSeconds", checkpointSeconds, 1, 86_400);
      Checks.intRange("stopping.patience", patience, 0, 10_000);
      Checks.oneOf("stopping.metric", metric, METRICS);
    }

    /** Without early stopping. */
    public Stopping(long maxSeconds, long checkpointSeconds) {
      this(maxSeconds, checkpointSeconds, 0, VAL_LOGLOSS);
    }

    public Stopping(long maxSeconds) {
      this(maxSeconds, DEFAULT_CHECKPOINT_SECONDS);
    }

    /** The metric's default for a loss: the one every model of that loss reports. */
    public static String defaultMetric(String loss) {
      return "squared".equals(loss) ? VAL_RMSE : VAL_LOGLOSS;
    }

    /** Whether a larger value of {@code metric} is better. */
    public static boolean higherIsBetter(String metric) {
      return metric.equals(VAL_AUC) || metric.equals(VAL_ACCURACY);
    }
  }
}
