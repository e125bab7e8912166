package trainyard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.spec.JobSpec;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.Trainer;

/**
 * Training throughput of the engine alone (no parsing): examples per second per pass over rows
 * of the CTR generator held in memory, for LR and FM, 1 and 2 workers, τ = 0, 4 and ∞.
 *
 * <p>Usage: {@code java -cp ... trainyard.bench.EngineThroughputBench [rows] [epochs]}
 * (defaults 1000000 and 3). Prints one line per configuration: the mean examples/s of the
 * epochs after the first (JIT warm-up), the last validation AUC/logloss and the servers' memory.
 */
public final class EngineThroughputBench {
  private EngineThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String only = args.length > 2 ? args[2] : "";
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
    String[][] configs = {
        {"linear", "1", "0"}, {"linear", "2", "0"}, {"linear", "2", "4"}, {"linear", "2", "-1"},
        {"fm", "1", "0"}, {"fm", "2", "0"}, {"fm", "2", "4"}, {"fm", "2", "-1"},
    };
    for (String[] c : configs) {
      if (!only.isEmpty() && !(c[0] + "/" + c[1] + "/" + c[2]).startsWith(only)) {
        continue;
      }
      run(c[0], Integer.parseInt(c[1]), Integer.parseInt(c[2]), epochs, train, test);
    }
  }

  private static void run(String algorithm, int workers, int maxDelay, int epochs, Dataset train, Dataset test)
      throws Exception {
    JobSpec spec = new JobSpec("bench", algorithm, "ds_bench", null,
        new JobSpec.Params("logistic", algorithm.equals("fm") ? "adagrad" : "ftrl", algorithm.equals("fm") ? 0.02 : 0.05,
            algorithm.equals("fm") ? 0 : 0.5, algorithm.equals("fm") ? 0.01 : 0, 8, epochs, 1000, new int[0],
            algorithm.equals("fm") ? 50 : 0, 0, 7),
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
    System.out.printf(Locale.ROOT, "%-6s workers=%d tau=%-2s  %,10.0f ex/s (epoch 1: %,.0f)  auc=%.4f logloss=%.4f  "
            + "wall %.1f s  %s%n", algorithm, workers, maxDelay < 0 ? "inf" : String.valueOf(maxDelay), warm,
        speeds.get(0), m.get("val_auc"), m.get("val_logloss"), wall, memory);
  }

  private static Dataset memory(List<CsrBlock> shards) {
    long rows = 0;
    long nnz = 0;
    for (CsrBlock b : shards) {
      rows += b.rows;
      nnz += b.nonZeros();
    }
    DatasetStats stats = new DatasetStats(rows, 1L << 22, nnz, 0, 0, 0, shards.size(), 0, true, "generated");
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
