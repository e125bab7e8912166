package trainyard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.model.LinearModel;
import trainyard.engine.model.Loss;
import trainyard.engine.model.Model;
import trainyard.engine.model.ModelInfo;
import trainyard.engine.ps.Keys;
import trainyard.spec.JobSpec;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.Trainer;

/**
 * Training throughput of the engine alone (no parsing): examples per second per pass over rows
 * of the CTR generator held in memory, for LR and FM, 1 and 2 workers, τ = 0, 4 and ∞, and FM
 * with embeddings for every feature (threshold 0) beside memory-adaptive ones (threshold 50).
 *
 * <p>Usage: {@code java -cp ... trainyard.bench.EngineThroughputBench [rows] [epochs]}
 * [only] (defaults 1000000 and 3; only: a prefix such as {@code fm/2} to run some configurations,
 * or {@code modelio} to time saving and loading a linear model of {@code rows} keys). Prints one line per configuration: the mean examples/s of the
 * epochs after the first (JIT warm-up), the last validation AUC/logloss and the servers' memory.
 */
public final class EngineThroughputBench {
  private EngineThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String only = args.length > 2 ? args[2] : "";
    if (only.equals("modelio")) {
      modelIo(rows);
      return;
    }
    CtrGenerator gen = new CtrGenerator(1);
    long t0 = System.nanoTime();
    List<CsrBlock> shards = new ArrayList<>();
    int shardRows = 65_536;
    for (int first = 0; first < rows; first += shardRows) {
      shards.add(gen.block(first, Math.min(shardRows, rows - first)));
    }
    Dataset train = memory(shards);
    Dataset test = memory(List.of(gen.block(rows, 100_000)));
    System.out.printf(Locale.ROOT, "generated %d rows x %d nnz in %.1f s%n", rows, CtrGenerator.FIELDS,
        (System.nanoTime() - t0) / 1e9);
    // algorithm, workers, τ, FM threshold (0: every feature gets an embedding).
    String[][] configs = {
        {"linear", "1", "0", "0"}, {"linear", "2", "0", "0"}, {"linear", "2", "4", "0"}, {"linear", "2", "-1", "0"},
        {"fm", "1", "0", "50"}, {"fm", "2", "0", "50"}, {"fm", "2", "4", "50"}, {"fm", "2", "-1", "50"},
        {"fm", "2", "0", "0"},
    };
    for (String[] c : configs) {
      if (!only.isEmpty() && !(c[0] + "/" + c[1] + "/" + c[2]).startsWith(only)) {
        continue;
      }
      run(c[0], Integer.parseInt(c[1]), Integer.parseInt(c[2]), Integer.parseInt(c[3]), epochs, train, test);
    }
  }

  private static void run(String algorithm, int workers, int maxDelay, int threshold, int epochs, Dataset train,
      Dataset test)
      throws Exception {
    JobSpec spec = new JobSpec("bench", algorithm, "ds_bench", null,
        new JobSpec.Params("logistic", algorithm.equals("fm") ? "adagrad" : "ftrl", algorithm.equals("fm") ? 0.02 : 0.05,
            algorithm.equals("fm") ? 0 : 0.5, algorithm.equals("fm") ? 0.01 : 0, 8, epochs, 1000, new int[0],
            threshold, 0, 7),
        new JobSpec.Resources(workers, 2, 0), new JobSpec.Consistency(maxDelay), new JobSpec.Stopping(3600), 0);
    List<Double> speeds = new ArrayList<>();
    String[] lastLog = {""};
    TrainListener listener = new TrainListener() {
      @Override
      public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
        speeds.add(metrics.get("examples_per_sec"));
      }

      @Override
      public void onLog(String line) {
        lastLog[0] = line;
      }
    };
    long t0 = System.nanoTime();
    Map<String, Double> m = Trainer.train(new TrainRequest(spec, train, test, null), listener, () -> false).finalMetrics();
    double wall = (System.nanoTime() - t0) / 1e9;
    double sum = 0;
    for (int i = 1; i < speeds.size(); i++) {
      sum += speeds.get(i);
    }
    double warm = speeds.size() > 1 ? sum / (speeds.size() - 1) : speeds.get(0);
    String memory = lastLog[0].replaceAll(".*servers hold", "servers hold");
    System.out.printf(Locale.ROOT, "%-6s threshold=%-2d workers=%d tau=%-3s %,10.0f ex/s (epoch 1: %,.0f)  auc=%.4f logloss=%.4f  "
            + "wall %.1f s  %s%n", algorithm, threshold, workers, maxDelay < 0 ? "inf" : String.valueOf(maxDelay), warm,
        speeds.get(0), m.get("val_auc"), m.get("val_logloss"), wall, memory);
  }

  /** Saves and loads a linear model with {@code keys} keys; prints the times and file size. */
  private static void modelIo(int keys) throws Exception {
    long[] k = new long[keys];
    float[] w = new float[keys];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
    for (int i = 0; i < keys; i++) {
      k[i] = Keys.mix(i);
      w[i] = (float) rnd.nextGaussian();
    }
    java.util.Arrays.sort(k);
    ModelInfo info = new ModelInfo("linear", keys, 0, "{}", "bench", 1, ModelInfo.ENGINE_VERSION);
    LinearModel model = new LinearModel(info, Loss.LOGISTIC, k, w);
    java.nio.file.Path file = java.nio.file.Files.createTempFile("trainyard-model", ".bin");
    long t0 = System.nanoTime();
    model.save(file);
    long t1 = System.nanoTime();
    Model back = Model.load(file);
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "model with %,d keys: %,d bytes, save %.2f s, load %.2f s (%s)%n", keys,
        java.nio.file.Files.size(file), (t1 - t0) / 1e9, (t2 - t1) / 1e9, back.info().algorithm());
    java.nio.file.Files.delete(file);
  }

  private static Dataset memory(List<CsrBlock> shards) {
    long rows = 0;
    long nnz = 0;
    for (CsrBlock b : shards) {
      rows += b.rows;
      nnz += b.nonZeros();
    }
    // Distinct features unknown (0): the servers' tables start small and grow, so memory is what keys use.
    DatasetStats stats = new DatasetStats(rows, 0, nnz, 0, 0, 0, shards.size(), 0, true, "generated", -1, -1);
    return new Dataset() {
      @Override
      public DatasetStats stats() {
        return stats;
      }

      @Override
      public int shardCount() {
        return shards.size();
      }

      @Override
      public CsrBlock shard(int index) {
        return shards.get(index);
      }
    };
  }
}
