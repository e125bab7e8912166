package trainyard.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.data.synth.ImageGenerator;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.model.Loss;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.Trainer;
import trainyard.spec.JobSpec;

/**
 * On a CUDA device: every kernel against its Java reference, and the engine's passes against
 * the CPU. Skipped, with the reason, where there is no device.
 */
class CudaTest {
  /**
   * Gradients per minibatch, GPU against CPU: the largest entry's difference within 1e-4 of the
   * largest entry. Sums run in other orders on the device (fused multiply-adds, warp reductions,
   * atomic adds in any order), each rounding at 6e-8 relative; 1e-4 leaves room for the long sums
   * (784 inputs, 256 rows) and none for a wrong term.
   */
  static final double TOLERANCE = 1e-4;

  private static CudaAccelerator cuda;

  /** Per test, so that each one reports its skip and the reason. */
  @BeforeEach
  void open() {
    CudaDevices.assume();
    if (cuda == null) {
      cuda = CudaAccelerator.open(new int[] {0});
    }
  }

  @AfterAll
  static void close() {
    if (cuda != null) {
      cuda.close();
    }
  }

  @Test
  void everyKernelMatchesItsReference() {
    List<float[]> expected = runAll(new ReferenceStream());
    List<float[]> actual;
    try (Stream s = cuda.newStream(0)) {
      actual = runAll(s);
    }
    for (int i = 0; i < expected.size(); i++) {
      Passes.assertClose(expected.get(i), actual.get(i), 1e-5, "kernel result " + i);
    }
  }

  /** Every kernel on random inputs through {@link DeviceOps}; returns each result. */
  private static List<float[]> runAll(Stream s) {
    s.begin();
    SplittableRandom rnd = new SplittableRandom(3);
    DeviceOps ops = new DeviceOps(s);
    List<float[]> out = new ArrayList<>();
    for (int[] shape : new int[][] {{70, 130, 33}, {256, 512, 785}, {1300, 1300, 40}}) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      for (int t = 0; t < 3; t++) {
        DeviceBuffer c = s.floats(m * n);
        ops.gemm(t == 1, t == 2, m, n, k, up(s, random(rnd, m * k)), up(s, random(rnd, k * n)), c);
        out.add(down(s, c, m * n));
      }
    }
    int rows = 200;
    int cols = 10;
    DeviceBuffer z = up(s, random(rnd, rows * cols));
    ops.addBias(z, rows, cols, up(s, random(rnd, cols)));
    out.add(down(s, z, rows * cols));
    DeviceBuffer a = s.floats(rows * cols);
    ops.relu(z, a, rows * cols);
    out.add(down(s, a, rows * cols));
    DeviceBuffer d = up(s, random(rnd, rows * cols));
    ops.reluBackward(d, z, rows * cols);
    out.add(down(s, d, rows * cols));
    DeviceBuffer sums = s.floats(cols);
    ops.columnSums(d, rows, cols, sums);
    out.add(down(s, sums, cols));
    float[] classes = new float[rows];
    for (int r = 0; r < rows; r++) {
      classes[r] = rnd.nextInt(cols);
    }
    DeviceBuffer labels = up(s, classes);
    DeviceBuffer delta = s.floats(rows * cols);
    DeviceBuffer loss = s.floats(rows);
    ops.softmaxLoss(z, labels, rows, cols, 1f / rows, delta, loss);
    out.add(down(s, delta, rows * cols));
    out.add(down(s, loss, rows));
    ops.logisticLoss(z, labels, rows, 1f / rows, delta, loss);
    out.add(down(s, delta, rows));
    out.add(down(s, loss, rows));
    return out;
  }

  @Test
  void mlpGradientsMatchTheCpuPerMinibatch() {
    CsrBlock images = new ImageGenerator(3).block(0, 1024);
    int[] sizes = {ImageGenerator.PIXELS + 1, 512, 256, ImageGenerator.CLASSES};
    Passes.assertSame(Passes.mlp(null, sizes, true, images, 256, 5), Passes.mlp(cuda, sizes, true, images, 256, 5),
        TOLERANCE, "softmax mlp");
    int[] logistic = {ImageGenerator.PIXELS + 1, 64, 1};
    Passes.assertSame(Passes.mlp(null, logistic, false, images, 200, 6),
        Passes.mlp(cuda, logistic, false, images, 200, 6), TOLERANCE, "logistic mlp");
  }

  @Test
  void fmGradientsMatchTheCpuPerMinibatch() {
    CsrBlock ctr = new CtrGenerator(4).block(0, 4096);
    for (Loss loss : Loss.values()) {
      for (int dim : new int[] {8, 64}) {
        Passes.assertSame(Passes.fm(null, loss, dim, 0.01f, ctr, 1024, 9),
            Passes.fm(cuda, loss, dim, 0.01f, ctr, 1024, 9), TOLERANCE, "fm " + loss + " dim " + dim);
      }
    }
  }

  @Test
  void sameSeedTrainsTheSameModel() throws Exception {
    CsrBlock images = new ImageGenerator(11).block(0, 4000);
    CsrBlock imagesTest = new ImageGenerator(11).block(4000, 1000);
    compare(DevicePassTest.spec("mlp", "softmax", 8, new int[] {128}), images, imagesTest, Evaluation.VAL_ACCURACY,
        0.01);
    CsrBlock ctr = new CtrGenerator(5).block(0, 20_000);
    CsrBlock ctrTest = new CtrGenerator(5).block(20_000, 5000);
    compare(DevicePassTest.spec("fm", "logistic", 8, new int[0]), ctr, ctrTest, Evaluation.VAL_AUC, 0.002);
  }

  private static void compare(JobSpec spec, CsrBlock train, CsrBlock test, String metric, double within)
      throws Exception {
    TrainRequest request = new TrainRequest(spec, MemoryDataset.of(train), MemoryDataset.of(test), null);
    Map<String, Double> cpu = Trainer.train(request, TrainListener.NONE, () -> false).finalMetrics();
    Map<String, Double> gpu = Trainer.train(request.withAccelerator(cuda), TrainListener.NONE, () -> false)
        .finalMetrics();
    assertEquals(cpu.get(metric), gpu.get(metric), within, spec.algorithm() + ": cpu " + cpu + " vs gpu " + gpu);
  }

  @Test
  void aFailingDriverCallNamesTheError() {
    CudaFailure f = assertThrows(CudaFailure.class, () -> CudaAccelerator.open(new int[] {1000}));
    assertTrue(f.getMessage().startsWith("CUDA_ERROR_INVALID_DEVICE in cuDeviceGet(1000)"), f.getMessage());
  }

  private static float[] random(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    return v;
  }

  private static DeviceBuffer up(Stream s, float[] v) {
    DeviceBuffer b = s.floats(v.length);
    s.upload(v, v.length, b);
    return b;
  }

  private static float[] down(Stream s, DeviceBuffer b, int n) {
    float[] v = new float[n];
    s.download(b, n, v);
    return v;
  }
}
