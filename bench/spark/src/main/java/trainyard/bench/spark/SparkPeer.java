package trainyard.bench.spark;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.FMClassificationModel;
import org.apache.spark.ml.classification.FMClassifier;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark MLlib peer of the engine benchmark (issue 3): trains {@code LogisticRegression} and
 * {@code FMClassifier} in {@code local[2]} on a libsvm file and scores a held-out libsvm file.
 *
 * <pre>
 *   SparkPeer --train FILE --test FILE [--num-features N] [--models lr,fm] [--master local[2]]
 *             [--lr-iter 100] [--lr-reg 0] [--fm-iter 100] [--fm-step 1.0] [--fm-reg 0]
 *             [--fm-batch-fraction 1.0] [--fm-solver adamW] [--factor-size 8] [--seed 5]
 * </pre>
 * Defaults are Spark's own (factorSize 8 aside). {@code --lr-reg}, {@code --fm-solver},
 * {@code --fm-step} and {@code --fm-reg} take comma lists: every combination is trained and
 * reported, so a benchmark can give Spark its best setting.
 *
 * One line a model on stdout, {@code key=value} pairs separated by spaces:
 * {@code spark model=lr load_s=.. fit_s=.. total_s=.. rows=.. test_rows=.. iterations=.. test_logloss=..
 * test_auc=.. params=..} plus the training objective's first, second-last and last values
 * ({@code objective_first}, {@code objective_prev}, {@code objective_last}); iterations is the solver's
 * count (-1 when the model has no summary).
 * {@code load_s} reads, parses and caches the training file (shared by the models); {@code fit_s}
 * is training on the cached data; {@code total_s = load_s + fit_s}. Test metrics are computed
 * here, exactly (logloss with p clipped to [1e-15, 1-1e-15], AUC by rank with ties averaged), so
 * they mean the same as the engine's. Single-threaded driver.
 */
public final class SparkPeer {
  private static final double EPS = 1e-15;

  private SparkPeer() {}

  public static void main(String[] args) {
    Args a;
    try {
      a = Args.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("SparkPeer: " + e.getMessage());
      System.exit(2);
      return;
    }
    SparkSession spark = SparkSession.builder().master(a.master).appName("trainyard-spark-peer")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    try {
      long t0 = System.nanoTime();
      Dataset<Row> train = libsvm(spark, a.train, a.numFeatures).cache();
      long rows = train.count();
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      Dataset<Row> test = libsvm(spark, a.test, a.numFeatures).cache();
      test.count();
      for (String m : a.models) {
        switch (m) {
          case "lr" -> {
            for (double reg : a.lrReg) {
              LogisticRegression lr = new LogisticRegression().setMaxIter(a.lrIter).setRegParam(reg)
                  .setStandardization(false);
              report(m, lr.explainParams(), () -> lr.fit(train), test, loadSeconds, rows,
                  String.format(Locale.ROOT, "maxIter=%d,regParam=%s,lbfgs", a.lrIter, reg));
            }
          }
          case "fm" -> {
            for (String solver : a.fmSolver) {
              for (double step : a.fmStep) {
                for (double reg : a.fmReg) {
                  FMClassifier fm = new FMClassifier().setFactorSize(a.factorSize).setMaxIter(a.fmIter)
                      .setStepSize(step).setRegParam(reg).setMiniBatchFraction(a.fmBatchFraction)
                      .setSolver(solver).setSeed(a.seed);
                  report(m, fm.explainParams(), () -> fm.fit(train), test, loadSeconds, rows,
                      String.format(Locale.ROOT, "factorSize=%d,maxIter=%d,stepSize=%s,regParam=%s,"
                          + "miniBatchFraction=%s,solver=%s", a.factorSize, a.fmIter, step, reg, a.fmBatchFraction,
                          solver));
                }
              }
            }
          }
          default -> throw new IllegalArgumentException("unknown model \"" + m + "\"; expected lr or fm");
        }
      }
    } finally {
      spark.stop();
    }
  }

  private static Dataset<Row> libsvm(SparkSession spark, String file, int numFeatures) {
    return spark.read().format("libsvm").option("numFeatures", Integer.toString(numFeatures)).load(file);
  }

  private interface Fit {
    Model<?> fit();
  }

  private static void report(String name, String explained, Fit fit, Dataset<Row> test, double loadSeconds,
      long rows, String params) {
    System.err.println("spark " + name + " params:\n" + explained);
    long t0 = System.nanoTime();
    Model<?> model = fit.fit();
    double fitSeconds = (System.nanoTime() - t0) / 1e9;
    int iterations = -1;
    double[] objective = {};
    if (model instanceof LogisticRegressionModel m && m.hasSummary()) {
      iterations = m.summary().totalIterations();
      objective = m.summary().objectiveHistory();
    } else if (model instanceof FMClassificationModel m && m.hasSummary()) {
      iterations = m.summary().totalIterations();
      objective = m.summary().objectiveHistory();
    }
    // the training objective by iteration shows whether the solver was still improving at maxIter
    System.err.println("spark " + name + " " + params + " objective history: " + Arrays.toString(objective));
    int k = objective.length;
    List<Row> scored = model.transform(test).select("label", "probability").collectAsList();
    int n = scored.size();
    double[] p = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      Row r = scored.get(i);
      y[i] = r.getDouble(0);
      p[i] = ((Vector) r.get(1)).apply(1);
    }
    System.out.printf(Locale.ROOT, "spark model=%s load_s=%.3f fit_s=%.3f total_s=%.3f rows=%d test_rows=%d "
        + "iterations=%d objective_first=%.6f objective_last=%.6f objective_prev=%.6f test_logloss=%.6f test_auc=%.6f "
        + "params=%s%n", name, loadSeconds, fitSeconds, loadSeconds + fitSeconds, rows, n, iterations,
        k > 0 ? objective[0] : Double.NaN, k > 0 ? objective[k - 1] : Double.NaN,
        k > 1 ? objective[k - 2] : Double.NaN, logloss(p, y), auc(p, y), params);
  }

  static double logloss(double[] p, double[] y) {
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double q = Math.min(Math.max(p[i], EPS), 1 - EPS);
      sum -= y[i] > 0 ? Math.log(q) : Math.log(1 - q);
    }
    return sum / p.length;
  }

  /** Exact ROC AUC: the Mann-Whitney statistic, tied scores sharing their average rank. */
  static double auc(double[] p, double[] y) {
    int n = p.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (i, j) -> Double.compare(p[i], p[j]));
    double rankSum = 0;
    long positives = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && p[order[j + 1]] == p[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (y[order[k]] > 0) {
          rankSum += rank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Command-line options; bad ones fail with a message naming the value. */
  private static final class Args {
    String train;
    String test;
    String master = "local[2]";
    int numFeatures = (1 << 22) + 1;
    List<String> models = List.of("lr", "fm");
    int lrIter = 100;
    double[] lrReg = {0};
    int fmIter = 100;
    double[] fmStep = {1.0};
    double[] fmReg = {0};
    double fmBatchFraction = 1.0;
    List<String> fmSolver = List.of("adamW");
    int factorSize = 8;
    long seed = 5;

    static Args parse(String[] args) {
      Args a = new Args();
      for (int i = 0; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        if (v == null) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        switch (args[i++]) {
          case "--train" -> a.train = v;
          case "--test" -> a.test = v;
          case "--master" -> a.master = v;
          case "--num-features" -> a.numFeatures = Integer.parseInt(v);
          case "--models" -> a.models = List.of(v.split(","));
          case "--lr-iter" -> a.lrIter = Integer.parseInt(v);
          case "--lr-reg" -> a.lrReg = doubles(v);
          case "--fm-iter" -> a.fmIter = Integer.parseInt(v);
          case "--fm-step" -> a.fmStep = doubles(v);
          case "--fm-reg" -> a.fmReg = doubles(v);
          case "--fm-batch-fraction" -> a.fmBatchFraction = Double.parseDouble(v);
          case "--fm-solver" -> a.fmSolver = List.of(v.split(","));
          case "--factor-size" -> a.factorSize = Integer.parseInt(v);
          case "--seed" -> a.seed = Long.parseLong(v);
          default -> throw new IllegalArgumentException("unknown argument " + args[i - 1]);
        }
      }
      if (a.train == null || a.test == null) {
        throw new IllegalArgumentException("--train FILE and --test FILE are required");
      }
      for (String m : a.models) {
        if (!m.equals("lr") && !m.equals("fm")) {
          throw new IllegalArgumentException("unknown model \"" + m + "\" in --models; expected lr or fm");
        }
      }
      return a;
    }

    private static double[] doubles(String list) {
      String[] parts = list.split(",");
      double[] d = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        d[i] = Double.parseDouble(parts[i]);
      }
      return d;
    }
  }
}
