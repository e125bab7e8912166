package trainyard.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.model.Accelerator;
import trainyard.engine.model.BatchCompute;
import trainyard.engine.model.FmAlgorithm;
import trainyard.engine.model.KeySpace;
import trainyard.engine.model.Loss;
import trainyard.engine.model.MlpAlgorithm;
import trainyard.engine.ps.KeyRanges;

/** Runs minibatches through the engine's own worker computes, on the CPU (accelerator null) or a device, for the tests to compare. */
final class Passes {
  private Passes() {}

  /** What one minibatch's pass gave: the push buffer's first floats and the summed loss. */
  record Result(float[] push, double loss) {}

  /** An accelerator whose streams are {@link ReferenceStream}s: the kernels' arithmetic in Java. */
  static Accelerator reference() {
    return new KernelAccelerator() {
      @Override
      Stream newStream(int index) {
        return new ReferenceStream();
      }

      @Override
      void release() {}
    };
  }

  /** Consecutive minibatches of {@code batch} rows from {@code block}, each pulling the same random weights (seeded). */
  static Result[] mlp(Accelerator accelerator, int[] sizes, boolean softmax, CsrBlock block, int batch, long seed) {
    MlpAlgorithm algorithm = new MlpAlgorithm(sizes, softmax, "sgd", 0.1, 0, 0, accelerator, batch, seed);
    BatchCompute compute = algorithm.newCompute();
    int[] order = identity(block.rows);
    SplittableRandom rnd = new SplittableRandom(seed);
    int batches = (block.rows + batch - 1) / batch;
    Result[] out = new Result[batches];
    for (int b = 0; b < batches; b++) {
      int n = compute.prepare(block, order, b * batch, Math.min(block.rows, (b + 1) * batch));
      float[] pull = compute.pullBuffer();
      for (int i = 0; i < n * 128; i++) {
        pull[i] = (float) rnd.nextDouble(-0.2, 0.2);
      }
      double loss = compute.gradient();
      out[b] = new Result(compute.pushBuffer().clone(), loss);
    }
    return out;
  }

  /** As {@link #mlp}, for an FM with {@code dim} factors; pulls random [w, V] per key. */
  static Result[] fm(Accelerator accelerator, Loss loss, int dim, float l2, CsrBlock block, int batch, long seed) {
    FmAlgorithm algorithm = new FmAlgorithm(loss, "sgd", 0.1, 0, l2, dim, 0, new KeySpace(1 << 16, 0), accelerator);
    BatchCompute compute = algorithm.newCompute();
    compute.collect(block);
    compute.dictionary(KeyRanges.uniform(1));
    compute.use(block, null);
    int[] order = identity(block.rows);
    SplittableRandom rnd = new SplittableRandom(seed);
    int batches = (block.rows + batch - 1) / batch;
    Result[] out = new Result[batches];
    for (int b = 0; b < batches; b++) {
      int n = compute.prepare(block, order, b * batch, Math.min(block.rows, (b + 1) * batch));
      float[] pull = compute.pullBuffer();
      for (int i = 0; i < n * (1 + dim); i++) {
        pull[i] = (float) rnd.nextDouble(-0.3, 0.3);
      }
      double sum = compute.gradient();
      out[b] = new Result(java.util.Arrays.copyOf(compute.pushBuffer(), n * (2 + dim)), sum);
    }
    return out;
  }

  /**
   * Per minibatch: the largest difference of a gradient entry is at most {@code tolerance} times
   * the largest entry (a relative tolerance on the gradient as a vector), and the losses agree
   * within {@code tolerance} relative.
   */
  static void assertSame(Result[] expected, Result[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": minibatches");
    for (int b = 0; b < expected.length; b++) {
      assertClose(expected[b].push(), actual[b].push(), tolerance, what + ", minibatch " + b);
      double scale = Math.max(1e-12, Math.abs(expected[b].loss()));
      assertTrue(Math.abs(expected[b].loss() - actual[b].loss()) <= tolerance * scale,
          what + ", minibatch " + b + ": loss " + expected[b].loss() + " vs " + actual[b].loss());
    }
  }

  static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double max = 0;
    for (float v : expected) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max > 0, what + ": the expected values are all zero, which compares nothing");
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]);
      assertTrue(diff <= tolerance * max, what + ": entry " + i + " is " + actual[i] + ", expected " + expected[i]
          + " (largest entry " + max + ", relative tolerance " + tolerance + ")");
    }
  }

  static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }
}
