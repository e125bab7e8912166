package trainyard.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.data.synth.ImageGenerator;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.model.Accelerator;
import trainyard.engine.model.Loss;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.Trainer;
import trainyard.spec.JobSpec;

/**
 * The device passes ({@link DeviceMlp}, {@link DeviceFm}) through the engine's seam, run on the
 * Java reference of the kernels, against the engine's CPU passes: same gradients per minibatch,
 * same training. The GPU test ({@link CudaTest}) then holds the device to the reference.
 */
class DevicePassTest {
  /** Float sums in another order (fused multiply-adds, per-warp partial sums) differ in the last bits. */
  static final double TOLERANCE = 1e-5;

  @Test
  void mlpGradientsMatchTheCpuPerMinibatch() {
    CsrBlock images = new ImageGenerator(3).block(0, 300);
    try (Accelerator reference = Passes.reference()) {
      int[] softmax = {ImageGenerator.PIXELS + 1, 64, 32, ImageGenerator.CLASSES};
      Passes.assertSame(Passes.mlp(null, softmax, true, images, 128, 5),
          Passes.mlp(reference, softmax, true, images, 128, 5), TOLERANCE, "softmax mlp");
      int[] logistic = {ImageGenerator.PIXELS + 1, 40, 1};
      Passes.assertSame(Passes.mlp(null, logistic, false, images, 100, 6),
          Passes.mlp(reference, logistic, false, images, 100, 6), TOLERANCE, "logistic mlp");
    }
  }

  @Test
  void fmGradientsMatchTheCpuPerMinibatch() {
    CsrBlock ctr = new CtrGenerator(4).block(0, 500);
    try (Accelerator reference = Passes.reference()) {
      for (Loss loss : Loss.values()) {
        for (int dim : new int[] {8, 40}) {
          Passes.assertSame(Passes.fm(null, loss, dim, 0.01f, ctr, 128, 9),
              Passes.fm(reference, loss, dim, 0.01f, ctr, 128, 9), TOLERANCE, "fm " + loss + " dim " + dim);
        }
      }
    }
  }

  @Test
  void trainingThroughTheSeamEndsWhereTheCpuDoes() throws Exception {
    CsrBlock images = new ImageGenerator(11).block(0, 1200);
    CsrBlock test = new ImageGenerator(11).block(1200, 400);
    JobSpec spec = spec("mlp", "softmax", 8, new int[] {32});
    TrainRequest request = new TrainRequest(spec, Passes.dataset(images), Passes.dataset(test), null);
    Map<String, Double> cpu = Trainer.train(request, TrainListener.NONE, () -> false).finalMetrics();
    Map<String, Double> device;
    try (Accelerator reference = Passes.reference()) {
      device = Trainer.train(request.withAccelerator(reference), TrainListener.NONE, () -> false).finalMetrics();
    }
    assertTrue(cpu.get(Evaluation.VAL_ACCURACY) > 0.5, "the CPU run learned too little to compare with: " + cpu);
    assertEquals(cpu.get(Evaluation.VAL_ACCURACY), device.get(Evaluation.VAL_ACCURACY), 0.01, cpu + " vs " + device);
  }

  /** One worker and one server, so that a run is deterministic. */
  static JobSpec spec(String algorithm, String loss, int dim, int[] hidden) {
    return new JobSpec("gpu-test", algorithm, "ds_test", null,
        new JobSpec.Params(loss, "adam", 0.003, 0, 0, dim, 2, 64, hidden, 0, 0, 17),
        new JobSpec.Resources(1, 1, 0), new JobSpec.Consistency(0), new JobSpec.Stopping(3600), 0);
  }
}
