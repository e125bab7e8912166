package trainyard.engine.model;

/**
 * The dense kernels an MLP needs, on row-major host float matrices. {@link CpuCompute} runs them on
 * the calling thread. Devices do not implement this (each call would copy its matrices): they
 * run whole passes on resident buffers behind an {@link Accelerator}.
 *
 * <p>Implementations must be safe to call from several threads with disjoint output arrays.
 */
public interface Compute {
  /**
   * {@code C = op(A) · op(B)} (or {@code C += …} when {@code accumulate}), where op(A) is m×k and
   * op(B) is k×n; {@code transA} means A is stored k×m, {@code transB} that B is stored n×k.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate);

  /** Adds {@code bias[biasOff .. biasOff+cols)} to every row of the rows×cols matrix {@code z}. */
  void addBias(float[] z, int rows, int cols, float[] bias, int biasOff);

  /** {@code out[i] = max(0, z[i])} for i < len. */
  void relu(float[] z, float[] out, int len);

  /** {@code delta[i] = 0} where {@code z[i] <= 0}, for i < len. */
  void reluBackward(float[] delta, float[] z, int len);

  /** {@code out[outOff + j] = Σ_r m[r][j]} (overwrites). */
  void columnSums(float[] m, int rows, int cols, float[] out, int outOff);
}
