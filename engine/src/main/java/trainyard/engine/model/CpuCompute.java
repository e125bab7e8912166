package trainyard.engine.model;

/** {@link Compute} in plain Java loops, ordered for sequential memory access. Thread-safe (stateless). */
public final class CpuCompute implements Compute {
  public static final CpuCompute INSTANCE = new CpuCompute();

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
    }
    if (!transB) {
      // i-p-j order: the inner loop walks rows of B and C contiguously.
      for (int i = 0; i < m; i++) {
        int ci = cOff + i * n;
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
          if (av == 0f) {
            continue;
          }
          int bp = bOff + p * n;
          for (int j = 0; j < n; j++) {
            c[ci + j] += av * b[bp + j];
          }
        }
      }
    } else {
      // B stored n×k: C[i][j] is a dot product of two contiguous rows.
      for (int i = 0; i < m; i++) {
        int ci = cOff + i * n;
        for (int j = 0; j < n; j++) {
          int bj = bOff + j * k;
          float s = 0f;
          if (transA) {
            for (int p = 0; p < k; p++) {
              s += a[aOff + p * m + i] * b[bj + p];
            }
          } else {
            int ai = aOff + i * k;
            for (int p = 0; p < k; p++) {
              s += a[ai + p] * b[bj + p];
            }
          }
          c[ci + j] += s;
        }
      }
    }
  }

  @Override
  public void addBias(float[] z, int rows, int cols, float[] bias, int biasOff) {
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      for (int j = 0; j < cols; j++) {
        z[o + j] += bias[biasOff + j];
      }
    }
  }

  @Override
  public void relu(float[] z, float[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = z[i] > 0f ? z[i] : 0f;
    }
  }

  @Override
  public void reluBackward(float[] delta, float[] z, int len) {
    for (int i = 0; i < len; i++) {
      if (z[i] <= 0f) {
        delta[i] = 0f;
      }
    }
  }

  @Override
  public void columnSums(float[] m, int rows, int cols, float[] out, int outOff) {
    java.util.Arrays.fill(out, outOff, outOff + cols, 0f);
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      for (int j = 0; j < cols; j++) {
        out[outOff + j] += m[o + j];
      }
    }
  }
}
