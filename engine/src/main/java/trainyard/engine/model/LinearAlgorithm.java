package trainyard.engine.model;

import java.io.IOException;
import java.nio.file.Path;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.metrics.MetricsAccumulator;
import trainyard.engine.optim.Optimizers;
import trainyard.engine.optim.WeightInit;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.KeyValues;
import trainyard.engine.ps.Updater;

/**
 * Sparse linear models (logistic regression, linear SVM, least squares) on the parameter server:
 * one float per feature key plus a bias key. Immutable and thread-safe.
 */
public final class LinearAlgorithm implements Algorithm {
  private final Loss loss;
  private final Updater updater;
  private final KeySpace keySpace;

  public LinearAlgorithm(Loss loss, String optimizer, double learningRate, double l1, double l2, KeySpace keySpace) {
    this.loss = loss;
    this.updater = Optimizers.create(optimizer, 1, learningRate, l1, l2, WeightInit.ZERO);
    this.keySpace = keySpace;
  }

  @Override
  public String name() {
    return "linear";
  }

  @Override
  public KeyRanges keyRanges(int servers) {
    return KeyRanges.uniform(servers);
  }

  @Override
  public Updater newUpdater() {
    return updater;
  }

  @Override
  public long expectedKeys() {
    return keySpace.keys();
  }

  @Override
  public BatchCompute newCompute() {
    return new Compute(loss, keySpace.denseIds());
  }

  @Override
  public Model export(KeyValues values, ModelInfo info, Path file) throws IOException {
    return SparseModelFile.write(file, info, loss.specName(), 0, values);
  }

  @Override
  public ScoreShares scoreShares() {
    return new Shares(loss);
  }

  /** A row's share: the bias (where held) plus Σ w·x over the held keys, as {@link LinearModel#predict} adds. */
  private record Shares(Loss loss) implements ScoreShares {
    @Override
    public int width() {
      return 1;
    }

    @Override
    public void add(CsrBlock rows, int[] handles, float[] values, int bias, float[] share) {
      float b = bias < 0 ? 0f : values[bias];
      for (int r = 0; r < rows.rows; r++) {
        float m = share[r] + b;
        for (int e = rows.rowStart[r]; e < rows.rowStart[r + 1]; e++) {
          if (handles[e] >= 0) {
            m += values[handles[e]] * rows.value(e);
          }
        }
        share[r] = m;
      }
    }

    @Override
    public float[] predictions(float[] sum, int rows) {
      float[] out = new float[rows];
      for (int r = 0; r < rows; r++) {
        out[r] = loss.output(sum[r]);
      }
      return out;
    }

    @Override
    public MetricsAccumulator newMetrics() {
      return new MetricsAccumulator(1, loss == Loss.SQUARED);
    }
  }

  /** Per-worker forward/backward; not thread-safe. */
  static final class Compute extends SparseBatchCompute {
    Compute(Loss loss, int denseIds) {
      super(loss, new float[256], new float[256], denseIds);
    }

    @Override
    SparseBatchCompute sibling() {
      return new Compute(loss, denseIds);
    }

    @Override
    void fit(int n) {
      if (pull.length < n) {
        pull = new float[Math.max(n, pull.length * 2)];
        push = new float[pull.length];
      }
    }

    // Per row r: m = w_bias + Σ_e w[key_e] x_e;   loss ℓ(m, y);   d = ℓ'(m, y) / batch
    // ∂/∂w_bias += d;   ∂/∂w[key_e] += d x_e
    @Override
    public double gradient() {
      final float[] w = pull;
      final float[] g = push;
      final int[] occ = occurrences;
      final int[] rowStart = block.rowStart;
      final float[] values = block.values;
      final float[] labels = block.labels;
      final float inv = 1f / (to - from);
      java.util.Arrays.fill(g, 0, n, 0f);
      double sum = 0;
      int pos = 0;
      for (int i = from; i < to; i++) {
        int r = order[i];
        int start = rowStart[r];
        int end = rowStart[r + 1];
        int first = pos;
        float m = w[occ[pos++]];
        if (values == null) {
          for (int e = start; e < end; e++) {
            m += w[occ[pos++]];
          }
        } else {
          for (int e = start; e < end; e++) {
            m += w[occ[pos++]] * values[e];
          }
        }
        float y = labels[r];
        double shared = loss.shared(m);
        sum += loss.value(m, y, shared);
        float d = loss.gradient(m, y, shared) * inv;
        if (d == 0f) {
          continue;
        }
        pos = first;
        g[occ[pos++]] += d;
        if (values == null) {
          for (int e = start; e < end; e++) {
            g[occ[pos++]] += d;
          }
        } else {
          for (int e = start; e < end; e++) {
            g[occ[pos++]] += d * values[e];
          }
        }
      }
      return sum;
    }
  }
}
