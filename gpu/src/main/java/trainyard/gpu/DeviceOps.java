package trainyard.gpu;

/**
 * The launch calls of {@code kernels.cu}: each picks its kernel and grid and passes the
 * arguments in the kernel's order, checked against {@link Kernel#arity}. The same code runs on a
 * CUDA stream and, in the tests, on a Java reference of every kernel. Not thread-safe (one
 * stream).
 */
final class DeviceOps {
  private static final int BLOCK = 256;
  /** Large tiles only when they still give about one block per multiprocessor of a big GPU. */
  private static final int LARGE_TILE_BLOCKS = 128;

  final Stream stream;

  DeviceOps(Stream stream) {
    this.stream = stream;
  }

  /** {@code C (m×n) = op(A) · op(B)}: {@code transA}: A is stored k×m; {@code transB}: B is stored n×k; not both. */
  void gemm(boolean transA, boolean transB, int m, int n, int k, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) {
    if (transA && transB) {
      throw new IllegalArgumentException("gemm with both operands transposed is not needed, so not built");
    }
    boolean large = blocks(m, 128) * (long) blocks(n, 128) >= LARGE_TILE_BLOCKS;
    int tile = large ? 128 : 64;
    Kernel kernel = transA ? (large ? Kernel.SGEMM_TN_128 : Kernel.SGEMM_TN_64)
        : transB ? (large ? Kernel.SGEMM_NT_128 : Kernel.SGEMM_NT_64)
        : (large ? Kernel.SGEMM_NN_128 : Kernel.SGEMM_NN_64);
    launch(kernel, blocks(n, tile), blocks(m, tile), BLOCK, 0, m, n, k, a, b, c);
  }

  /** Adds {@code bias[0..cols)} to every row of the rows×cols matrix {@code z}. */
  void addBias(DeviceBuffer z, int rows, int cols, DeviceBuffer bias) {
    launch(Kernel.ADD_BIAS, blocks(rows * cols, BLOCK), 1, BLOCK, 0, z, rows, cols, bias);
  }

  /** {@code out = max(0, z)} element-wise. */
  void relu(DeviceBuffer z, DeviceBuffer out, int len) {
    launch(Kernel.RELU, blocks(len, BLOCK), 1, BLOCK, 0, z, out, len);
  }

  /** {@code delta = 0} where {@code z <= 0}. */
  void reluBackward(DeviceBuffer delta, DeviceBuffer z, int len) {
    launch(Kernel.RELU_BACKWARD, blocks(len, BLOCK), 1, BLOCK, 0, delta, z, len);
  }

  /** {@code out[j] = Σ_r m[r][j]} (overwrites). */
  void columnSums(DeviceBuffer m, int rows, int cols, DeviceBuffer out) {
    launch(Kernel.COLUMN_SUMS, blocks(cols, BLOCK), 1, BLOCK, 0, m, rows, cols, out);
  }

  /** Softmax of each row of {@code z} against class-index labels: {@code delta = (p − onehot) · inv}, {@code loss} per row. */
  void softmaxLoss(DeviceBuffer z, DeviceBuffer labels, int rows, int classes, float inv, DeviceBuffer delta,
      DeviceBuffer loss) {
    launch(Kernel.SOFTMAX_LOSS, blocks(rows, BLOCK), 1, BLOCK, 0, z, labels, rows, classes, inv, delta, loss);
  }

  /** σ of each row's one output against labels > 0: {@code delta = (p − t) · inv}, {@code loss} per row. */
  void logisticLoss(DeviceBuffer z, DeviceBuffer labels, int rows, float inv, DeviceBuffer delta, DeviceBuffer loss) {
    launch(Kernel.LOGISTIC_LOSS, blocks(rows, BLOCK), 1, BLOCK, 0, z, labels, rows, inv, delta, loss);
  }

  /** The FM's forward and backward per row, one warp each, adding into {@code push} (zero it first). */
  void fmRows(DeviceBuffer pull, DeviceBuffer key, DeviceBuffer x, DeviceBuffer rowStart, DeviceBuffer labels,
      int rows, int dim, int lossKind, float inv, DeviceBuffer push, DeviceBuffer loss) {
    int warps = BLOCK / 32;
    launch(Kernel.FM_ROWS, blocks(rows, warps), 1, BLOCK, warps * dim * Float.BYTES, pull, key, x, rowStart, labels,
        rows, dim, lossKind, inv, push, loss);
  }

  /** Each key's count and frequency-adaptive regularization into {@code push}, after {@link #fmRows}. */
  void fmRegularize(DeviceBuffer pull, DeviceBuffer counts, int keys, int dim, float l2, float inv, DeviceBuffer push) {
    launch(Kernel.FM_REGULARIZE, blocks(keys, BLOCK), 1, BLOCK, 0, pull, counts, keys, dim, l2, inv, push);
  }

  private void launch(Kernel kernel, int gridX, int gridY, int block, int shared, Object... args) {
    if (args.length != kernel.arity) {
      throw new IllegalStateException(kernel.entry + " takes " + kernel.arity + " parameters, the launch passes "
          + args.length);
    }
    if (gridX == 0 || gridY == 0) {
      return; // nothing to compute; CUDA rejects empty grids
    }
    stream.launch(kernel, gridX, gridY, block, shared, args);
  }

  static int blocks(int n, int per) {
    return (n + per - 1) / per;
  }
}
