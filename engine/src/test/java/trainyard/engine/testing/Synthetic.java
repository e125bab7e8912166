package trainyard.engine.testing;

import java.util.SplittableRandom;
import trainyard.engine.data.CsrBlock;

/** Small in-memory datasets for tests, made from fixed seeds. */
public final class Synthetic {
  private Synthetic() {}

  /**
   * Sparse binary rows: {@code nnz} distinct features of {@code features}, value 1; label 1 when
   * a hidden weight vector (normal per feature) plus logistic noise of scale {@code noise} says so.
   */
  public static CsrBlock sparseBinary(int rows, int features, int nnz, double noise, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] truth = new double[features];
    for (int f = 0; f < features; f++) {
      truth[f] = gaussian(rnd) * 1.5;
    }
    int[] rowStart = new int[rows + 1];
    long[] keys = new long[rows * nnz];
    float[] labels = new float[rows];
    int pos = 0;
    for (int r = 0; r < rows; r++) {
      double m = -0.2;
      int start = pos;
      while (pos - start < nnz) {
        long f = rnd.nextInt(features);
        boolean dup = false;
        for (int e = start; e < pos; e++) {
          dup |= keys[e] == f;
        }
        if (!dup) {
          keys[pos++] = f;
          m += truth[(int) f];
        }
      }
      double u = rnd.nextDouble(1e-9, 1 - 1e-9);
      m += noise * Math.log(u / (1 - u));
      labels[r] = m > 0 ? 1f : 0f;
      rowStart[r + 1] = pos;
    }
    return new CsrBlock(rows, rowStart, keys, null, labels, null);
  }

  /** Dense rows with feature ids 0..dim-1 and values in CsrBlock form; label = class index. */
  public static CsrBlock dense(int rows, float[][] x, float[] labels) {
    int dim = x[0].length;
    int[] rowStart = new int[rows + 1];
    long[] keys = new long[rows * dim];
    float[] values = new float[rows * dim];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < dim; j++) {
        keys[r * dim + j] = j;
        values[r * dim + j] = x[r][j];
      }
      rowStart[r + 1] = (r + 1) * dim;
    }
    return new CsrBlock(rows, rowStart, keys, values, labels, null);
  }

  public static double gaussian(SplittableRandom rnd) {
    double u = rnd.nextDouble(1e-12, 1);
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The first {@code n} rows of {@code b} as their own block. */
  public static CsrBlock head(CsrBlock b, int n) {
    int nnz = b.rowStart[n];
    return new CsrBlock(n, java.util.Arrays.copyOf(b.rowStart, n + 1), java.util.Arrays.copyOf(b.keys, nnz),
        b.values == null ? null : java.util.Arrays.copyOf(b.values, nnz), java.util.Arrays.copyOf(b.labels, n),
        b.fields == null ? null : java.util.Arrays.copyOf(b.fields, nnz));
  }

  /** Rows {@code from..rows} of {@code b}. */
  public static CsrBlock tail(CsrBlock b, int from) {
    int n = b.rows - from;
    int base = b.rowStart[from];
    int[] rs = new int[n + 1];
    for (int i = 0; i <= n; i++) {
      rs[i] = b.rowStart[from + i] - base;
    }
    int end = b.rowStart[b.rows];
    return new CsrBlock(n, rs, java.util.Arrays.copyOfRange(b.keys, base, end),
        b.values == null ? null : java.util.Arrays.copyOfRange(b.values, base, end),
        java.util.Arrays.copyOfRange(b.labels, from, b.rows),
        b.fields == null ? null : java.util.Arrays.copyOfRange(b.fields, base, end));
  }

  /**
   * Rows with one feature per field ({@code fields} fields of {@code vocab} values each) whose
   * label comes from pairwise interactions only: margin = Σ_{a<b} ⟨u_a, u_b⟩ for hidden rank-4
   * vectors u, so a linear model can do little and a factorization machine a lot.
   */
  public static CsrBlock interactions(int rows, int fields, int vocab, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int k = 4;
    double[][] u = new double[fields * vocab][k];
    for (double[] row : u) {
      for (int f = 0; f < k; f++) {
        row[f] = gaussian(rnd) * 0.7;
      }
    }
    int[] rowStart = new int[rows + 1];
    long[] keys = new long[rows * fields];
    float[] labels = new float[rows];
    int[] ids = new int[fields];
    for (int r = 0; r < rows; r++) {
      for (int a = 0; a < fields; a++) {
        ids[a] = a * vocab + rnd.nextInt(vocab);
        keys[r * fields + a] = ids[a];
      }
      double m = 0;
      for (int a = 0; a < fields; a++) {
        for (int b = a + 1; b < fields; b++) {
          for (int f = 0; f < k; f++) {
            m += u[ids[a]][f] * u[ids[b]][f];
          }
        }
      }
      labels[r] = m > 0 ? 1f : 0f;
      rowStart[r + 1] = (r + 1) * fields;
    }
    return new CsrBlock(rows, rowStart, keys, null, labels, null);
  }
}
