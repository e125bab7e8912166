package trainyard.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.data.synth.ImageGenerator;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.model.Accelerator;
import trainyard.engine.model.Loss;
import trainyard.engine.ps.DataPort;
import trainyard.engine.train.Cluster;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.TrainResult;
import trainyard.engine.train.Trainer;
import trainyard.spec.JobSpec;

/**
 * The device passes ({@link DeviceMlp}, {@link DeviceFm}) through the engine's seam, run on the
 * Java reference of the kernels, against the engine's CPU passes: same gradients per minibatch,
 * same training. The GPU test ({@link CudaTest}) then holds the device to the reference.
 */
class DevicePassTest {
  @TempDir
  Path dir;

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
    TrainRequest request = new TrainRequest(spec, MemoryDataset.of(images), MemoryDataset.of(test), null);
    Map<String, Double> cpu = Trainer.train(request, TrainListener.NONE, () -> false).finalMetrics();
    Map<String, Double> device;
    try (Accelerator reference = Passes.reference()) {
      device = Trainer.train(request.withAccelerator(reference), TrainListener.NONE, () -> false).finalMetrics();
    }
    assertTrue(cpu.get(Evaluation.VAL_ACCURACY) > 0.5, "the CPU run learned too little to compare with: " + cpu);
    assertEquals(cpu.get(Evaluation.VAL_ACCURACY), device.get(Evaluation.VAL_ACCURACY), 0.01, cpu + " vs " + device);
  }

  @Test
  void fmOverTwoMembersPullingAheadTrainsAsTheCpuDoes() throws Exception {
    // One worker (on rank 0) and a shard on each member: its requests reach each shard in one
    // order, so a run is deterministic even with τ = 2, which pulls two minibatches ahead, each
    // in a twin of the worker's compute: on the device, twins with passes of their own.
    CsrBlock rows = new CtrGenerator(5).block(0, 20_000);
    CsrBlock test = new CtrGenerator(5).block(20_000, 4000);
    JobSpec spec = new JobSpec("gpu-test", "fm", "ds_test", null,
        new JobSpec.Params("logistic", "adagrad", 0.02, 0, 0.01, 8, 2, 200, new int[0], 0, 0, 17),
        new JobSpec.Resources(1, 2, 0), new JobSpec.Consistency(2), new JobSpec.Stopping(3600), 0);
    Map<String, Double> cpu = overTwoMembers(
        new TrainRequest(spec, MemoryDataset.of(rows), MemoryDataset.of(test), dir.resolve("cpu")), "fm-cpu");
    Map<String, Double> device;
    AtomicInteger passes = new AtomicInteger();
    try (Accelerator reference = Passes.reference()) {
      Accelerator counted = new Accelerator() {
        @Override
        public MlpPass mlp(int[] sizes, boolean softmax, int maxRows) {
          return reference.mlp(sizes, softmax, maxRows);
        }

        @Override
        public FmPass fm(Loss loss, int dim, float l2) {
          passes.incrementAndGet();
          return reference.fm(loss, dim, l2);
        }

        @Override
        public void close() {}
      };
      device = overTwoMembers(new TrainRequest(spec, MemoryDataset.of(rows), MemoryDataset.of(test), dir.resolve("device"))
          .withAccelerator(counted), "fm-device");
    }
    assertEquals(3, passes.get(), "the worker's compute and its two twins each have a device pass");
    assertTrue(cpu.get(Evaluation.VAL_AUC) > 0.6, "the CPU run learned too little to compare with: " + cpu);
    assertEquals(cpu.get(Evaluation.VAL_AUC), device.get(Evaluation.VAL_AUC), 0.002, cpu + " vs " + device);
  }

  /** Rank 1 (a shard, no worker) on a thread, rank 0 (the worker, a shard) here; rank 0's final metrics. */
  private static Map<String, Double> overTwoMembers(TrainRequest request, String job) throws Exception {
    try (DataPort a = DataPort.bind("127.0.0.1", 0); DataPort b = DataPort.bind("127.0.0.1", 0)) {
      List<Cluster.Peer> peers = List.of(new Cluster.Peer(new InetSocketAddress("127.0.0.1", a.port()), 0, 1, 0, 1),
          new Cluster.Peer(new InetSocketAddress("127.0.0.1", b.port()), 1, 0, 1, 1));
      Duration timeout = Duration.ofSeconds(10);
      CompletableFuture<TrainResult> rank1 = CompletableFuture.supplyAsync(() -> {
        try {
          return new Trainer(Clock.systemUTC()).run(request, new Cluster(job, 1, 1, peers, b, timeout, timeout),
              TrainListener.NONE, () -> false);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      TrainResult result = new Trainer(Clock.systemUTC()).run(request, new Cluster(job, 1, 0, peers, a, timeout,
          timeout), TrainListener.NONE, () -> false);
      rank1.get(30, TimeUnit.SECONDS);
      return result.finalMetrics();
    }
  }

  /** One worker and one server, so that a run is deterministic. */
  static JobSpec spec(String algorithm, String loss, int dim, int[] hidden) {
    return new JobSpec("gpu-test", algorithm, "ds_test", null,
        new JobSpec.Params(loss, "adam", 0.003, 0, 0, dim, 2, 64, hidden, 0, 0, 17),
        new JobSpec.Resources(1, 1, 0), new JobSpec.Consistency(0), new JobSpec.Stopping(3600), 0);
  }
}
