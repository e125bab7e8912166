package trainyard.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import trainyard.engine.model.CpuCompute;

/**
 * The launch code ({@link DeviceOps}: kernel choice, grid, argument order) over the Java
 * reference of each kernel, against the engine's {@link CpuCompute}: what the GPU tests then
 * compare the device with.
 */
class ReferenceOpsTest {
  private final ReferenceStream stream = new ReferenceStream();
  private final DeviceOps ops = new DeviceOps(stream);
  private final SplittableRandom rnd = new SplittableRandom(7);

  @Test
  void gemmMatchesTheCpuForEachTransposeAcrossTileEdges() {
    // Small shapes take 64-tiles; 1300×1300 takes 128-tiles (11 × 11 ≥ 128 blocks).
    int[][] shapes = {{1, 1, 1}, {70, 130, 33}, {256, 10, 512}, {1300, 1300, 3}};
    for (int[] s : shapes) {
      for (int t = 0; t < 3; t++) {
        boolean transA = t == 1;
        boolean transB = t == 2;
        int m = s[0];
        int n = s[1];
        int k = s[2];
        float[] a = random(m * k);
        float[] b = random(k * n);
        float[] expected = new float[m * n];
        CpuCompute.INSTANCE.gemm(transA, transB, m, n, k, a, 0, b, 0, expected, 0, false);
        DeviceBuffer da = up(a);
        DeviceBuffer db = up(b);
        DeviceBuffer dc = stream.floats(m * n);
        ops.gemm(transA, transB, m, n, k, da, db, dc);
        Passes.assertClose(expected, down(dc, m * n), 1e-5, "gemm " + m + "×" + n + "×" + k + " transA " + transA
            + " transB " + transB);
      }
    }
  }

  @Test
  void gemmRefusesBothTransposes() {
    DeviceBuffer x = stream.floats(1);
    assertThrows(IllegalArgumentException.class, () -> ops.gemm(true, true, 1, 1, 1, x, x, x));
  }

  @Test
  void elementWisePassesMatchTheCpu() {
    int rows = 37;
    int cols = 300;
    float[] z = random(rows * cols);
    float[] bias = random(cols + 5);

    float[] expected = z.clone();
    CpuCompute.INSTANCE.addBias(expected, rows, cols, bias, 5);
    DeviceBuffer dz = up(z);
    ops.addBias(dz, rows, cols, up(bias).at(5));
    assertArrayEquals(expected, down(dz, rows * cols), "addBias");

    float[] relu = new float[rows * cols];
    CpuCompute.INSTANCE.relu(expected, relu, rows * cols);
    DeviceBuffer dr = stream.floats(rows * cols);
    ops.relu(dz, dr, rows * cols);
    assertArrayEquals(relu, down(dr, rows * cols), "relu");

    float[] delta = random(rows * cols);
    float[] back = delta.clone();
    CpuCompute.INSTANCE.reluBackward(back, expected, rows * cols);
    DeviceBuffer dd = up(delta);
    ops.reluBackward(dd, dz, rows * cols);
    assertArrayEquals(back, down(dd, rows * cols), "reluBackward");

    float[] sums = new float[cols + 3];
    CpuCompute.INSTANCE.columnSums(delta, rows, cols, sums, 3);
    DeviceBuffer ds = stream.floats(cols + 3);
    ops.columnSums(up(delta), rows, cols, ds.at(3));
    assertArrayEquals(sums, down(ds, cols + 3), "columnSums");
  }

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    return v;
  }

  private DeviceBuffer up(float[] v) {
    DeviceBuffer b = stream.floats(v.length);
    stream.upload(v, v.length, b);
    return b;
  }

  private float[] down(DeviceBuffer b, int n) {
    float[] v = new float[n];
    stream.download(b, n, v);
    return v;
  }
}
