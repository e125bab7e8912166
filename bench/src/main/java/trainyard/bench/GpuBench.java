package trainyard.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.CsrBuilder;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.model.Accelerator;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.Trainer;
import trainyard.gpu.CudaAccelerator;
import trainyard.spec.JobSpec;

/**
 * The GPU benchmark (issue 11), one measurement per run so that bench/gpu/run.sh can pin the CPU
 * runs to two cores. Prints one tab-separated result line per measurement:
 *
 * <ul>
 *   <li>{@code GpuBench mlp cpu|gpu FASHION_DIR EPOCHS WORKERS}: Fashion-MNIST (the Debian
 *       package dataset-fashion-mnist's IDX files), MLP 784 → 512 → 256 → 10, batch 256: training
 *       examples/s, and the training time and wall time until the test accuracy first reaches 88%.
 *   <li>{@code GpuBench sgemm N REPEATS}: the SGEMM kernel's GFLOP/s at N×N×N against the device's
 *       FP32 peak.
 *   <li>{@code GpuBench fm cpu|gpu DIM ROWS WORKERS}: FM on {@link CtrGenerator} data: examples/s and
 *       the final validation AUC.
 * </ul>
 */
public final class GpuBench {
  private static final double TARGET_ACCURACY = 0.88;

  private GpuBench() {}

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "mlp" -> mlp(args[1], Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "sgemm" -> sgemm(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      case "fm" -> fm(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      default -> {
        System.err.println("usage: GpuBench mlp cpu|gpu FASHION_DIR EPOCHS WORKERS | sgemm N REPEATS"
            + " | fm cpu|gpu DIM ROWS WORKERS");
        System.exit(2);
      }
    }
  }

  private static void mlp(String where, Path fashion, int epochs, int workers) throws IOException {
    Dataset train = MemoryDataset.of(idx(fashion, "train"));
    Dataset test = MemoryDataset.of(idx(fashion, "t10k"));
    JobSpec spec = new JobSpec("fashion-mlp", "mlp", "fashion-mnist", null,
        new JobSpec.Params("softmax", "adam", 0.001, 0, 0, 8, epochs, 256, new int[] {512, 256}, 0, 0, 42),
        new JobSpec.Resources(workers, workers, 0), new JobSpec.Consistency(0), new JobSpec.Stopping(86_400), 0);
    long start = System.nanoTime();
    double[] trainSeconds = {0};
    double[] reached = {-1, -1};
    double[] lastRate = {0};
    double[] accuracy = {0};
    TrainListener listener = new TrainListener() {
      @Override
      public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
        lastRate[0] = metrics.get(Evaluation.EXAMPLES_PER_SEC);
        trainSeconds[0] += train.stats().rows() / lastRate[0];
        accuracy[0] = metrics.get(Evaluation.VAL_ACCURACY);
        if (reached[0] < 0 && accuracy[0] >= TARGET_ACCURACY) {
          reached[0] = trainSeconds[0];
          reached[1] = (System.nanoTime() - start) / 1e9;
        }
      }
    };
    try (Accelerator device = open(where)) {
      Trainer.train(new TrainRequest(spec, train, test, null).withAccelerator(device), listener, () -> false);
    }
    System.out.printf(Locale.ROOT, "mlp\t%s\tworkers %d\texamples/s %.0f\ttest accuracy %.4f after %d epochs"
        + "\ttraining s to %.0f%% %s\twall s to %.0f%% %s%n", where, workers, lastRate[0], accuracy[0], epochs,
        TARGET_ACCURACY * 100, seconds(reached[0]), TARGET_ACCURACY * 100, seconds(reached[1]));
  }

  private static void sgemm(int n, int repeats) {
    try (CudaAccelerator cuda = CudaAccelerator.open(new int[] {0})) {
      double gflops = cuda.sgemmGflops(n, repeats);
      double peak = cuda.fp32PeakGflops();
      System.out.printf(Locale.ROOT, "sgemm\t%d\tGFLOP/s %.0f\tFP32 peak %.0f\t%.1f%% of peak%n", n, gflops, peak,
          100 * gflops / peak);
    }
  }

  private static void fm(String where, int dim, int rows, int workers) throws IOException {
    CtrGenerator ctr = new CtrGenerator(7);
    Dataset train = MemoryDataset.of(ctr.block(0, rows));
    Dataset test = MemoryDataset.of(ctr.block(rows, rows / 5));
    JobSpec spec = new JobSpec("ctr-fm", "fm", "ctr", null,
        new JobSpec.Params("logistic", "adagrad", 0.05, 0, 1e-4, dim, 1, 1024, new int[0], 0, 0, 42),
        new JobSpec.Resources(workers, workers, 0), new JobSpec.Consistency(0), new JobSpec.Stopping(86_400), 0);
    Map<String, Double> metrics;
    try (Accelerator device = open(where)) {
      metrics = Trainer.train(new TrainRequest(spec, train, test, null).withAccelerator(device), TrainListener.NONE,
          () -> false).finalMetrics();
    }
    System.out.printf(Locale.ROOT, "fm\t%s\tdim %d\tworkers %d\texamples/s %.0f\tval AUC %.4f%n", where, dim, workers,
        metrics.get(Evaluation.EXAMPLES_PER_SEC), metrics.get(Evaluation.VAL_AUC));
  }

  /** Null (the CPU) or the first CUDA device; a null resource is fine in try-with-resources. */
  private static Accelerator open(String where) {
    return switch (where) {
      case "cpu" -> null;
      case "gpu" -> CudaAccelerator.open(new int[] {0});
      default -> throw new IllegalArgumentException("where must be cpu or gpu, got '" + where + "'");
    };
  }

  private static String seconds(double s) {
    return s < 0 ? "not reached" : String.format(Locale.ROOT, "%.1f", s);
  }

  /** Fashion-MNIST's {@code PREFIX-images-idx3-ubyte.gz} and labels: pixel p as feature p with value/255, zeros left out. */
  static CsrBlock idx(Path dir, String prefix) throws IOException {
    try (DataInputStream images = open(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 2051);
        DataInputStream labels = open(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 2049)) {
      int n = images.readInt();
      int pixels = images.readInt() * images.readInt();
      if (labels.readInt() != n) {
        throw new IOException(prefix + ": the image and label files hold different counts");
      }
      CsrBuilder rows = new CsrBuilder(false, n, n * pixels / 2);
      byte[] image = new byte[pixels];
      for (int r = 0; r < n; r++) {
        images.readFully(image);
        for (int p = 0; p < pixels; p++) {
          if (image[p] != 0) {
            rows.add(p, (image[p] & 0xff) / 255f);
          }
        }
        rows.endRow(labels.readUnsignedByte());
      }
      return rows.build();
    }
  }

  private static DataInputStream open(Path file, int magic) throws IOException {
    InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
    DataInputStream data = new DataInputStream(in);
    int found = data.readInt();
    if (found != magic) {
      data.close();
      throw new IOException(file + ": IDX magic " + found + ", expected " + magic);
    }
    return data;
  }

}
