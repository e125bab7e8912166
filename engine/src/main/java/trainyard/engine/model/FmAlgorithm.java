package trainyard.engine.model;

import java.io.IOException;
import java.nio.file.Path;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.metrics.MetricsAccumulator;
import trainyard.engine.optim.FmUpdater;
import trainyard.engine.optim.Optimizers;
import trainyard.engine.optim.WeightInit;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.KeyValues;
import trainyard.engine.ps.Updater;

/**
 * Factorization machines on the parameter server, DiFacto style: memory-adaptive embeddings
 * (see {@link FmUpdater}) and frequency-adaptive regularization of the embeddings. Immutable
 * and thread-safe.
 */
public final class FmAlgorithm implements Algorithm {
  private final Loss loss;
  private final String optimizer;
  private final double learningRate;
  private final double l1;
  private final double l2;
  private final int dim;
  private final int threshold;
  private final KeySpace keySpace;
  private final Accelerator accelerator;

  /** With {@code accelerator} null, the workers compute on the CPU. */
  public FmAlgorithm(Loss loss, String optimizer, double learningRate, double l1, double l2, int dim, int threshold,
      KeySpace keySpace, Accelerator accelerator) {
    this.loss = loss;
    this.optimizer = optimizer;
    this.learningRate = learningRate;
    this.l1 = l1;
    this.l2 = l2;
    this.dim = dim;
    this.threshold = threshold;
    this.keySpace = keySpace;
    this.accelerator = accelerator;
    Optimizers.create(optimizer, 1, learningRate, l1, l2, WeightInit.ZERO); // fail fast on bad values
  }

  @Override
  public String name() {
    return "fm";
  }

  @Override
  public KeyRanges keyRanges(int servers) {
    return KeyRanges.uniform(servers);
  }

  @Override
  public Updater newUpdater() {
    return new FmUpdater(Optimizers.create(optimizer, 1, learningRate, l1, l2, WeightInit.ZERO), dim, threshold,
        learningRate);
  }

  @Override
  public long expectedKeys() {
    return keySpace.keys();
  }

  @Override
  public BatchCompute newCompute() {
    return accelerator == null ? new Compute(loss, dim, (float) l2, keySpace.denseIds())
        : new DeviceCompute(loss, dim, (float) l2, keySpace.denseIds(), accelerator);
  }

  @Override
  public Model export(KeyValues values, ModelInfo info, Path file) throws IOException {
    return SparseModelFile.write(file, info, loss.specName(), dim, values);
  }

  @Override
  public ScoreShares scoreShares() {
    return new Shares(loss, dim);
  }

  /**
   * A row's share, as {@link FmModel#predict} sums it over the held keys: [bias + Σ w·x, the dim
   * sums s_f = Σ V_f·x, Σ_f Σ (V_f·x)²]. The sums of the shares make the margin
   * m = bias + Σ w·x + ½ (Σ_f s_f² − Σ_f Σ (V_f·x)²).
   */
  private record Shares(Loss loss, int dim) implements ScoreShares {
    @Override
    public int width() {
      return dim + 2;
    }

    @Override
    public void add(CsrBlock rows, int[] handles, float[] values, int bias, float[] share) {
      int pulled = 1 + dim; // [w, V] a key
      float b = bias < 0 ? 0f : values[bias * pulled];
      int width = dim + 2;
      for (int r = 0; r < rows.rows; r++) {
        int o = r * width;
        float m = share[o] + b;
        float sq = share[o + 1 + dim];
        for (int e = rows.rowStart[r]; e < rows.rowStart[r + 1]; e++) {
          if (handles[e] < 0) {
            continue;
          }
          int v = handles[e] * pulled;
          float x = rows.value(e);
          m += values[v] * x;
          for (int f = 0; f < dim; f++) {
            float vx = values[v + 1 + f] * x;
            share[o + 1 + f] += vx;
            sq += vx * vx;
          }
        }
        share[o] = m;
        share[o + 1 + dim] = sq;
      }
    }

    @Override
    public float[] predictions(float[] sum, int rows) {
      float[] out = new float[rows];
      int width = dim + 2;
      for (int r = 0; r < rows; r++) {
        int o = r * width;
        float ss = 0f;
        for (int f = 0; f < dim; f++) {
          ss += sum[o + 1 + f] * sum[o + 1 + f];
        }
        out[r] = loss.output(sum[o] + 0.5f * (ss - sum[o + 1 + dim]));
      }
      return out;
    }

    @Override
    public MetricsAccumulator newMetrics() {
      return new MetricsAccumulator(1, loss == Loss.SQUARED);
    }
  }

  /** Per-worker forward/backward; not thread-safe. */
  static class Compute extends SparseBatchCompute {
    private final int dim;
    private final float l2;
    private final int pullW;
    private final int pushW;
    private final float[] s;

    Compute(Loss loss, int dim, float l2, int denseIds) {
      super(loss, new float[0], new float[0], denseIds);
      this.dim = dim;
      this.l2 = l2;
      this.pullW = 1 + dim;
      this.pushW = 2 + dim;
      this.s = new float[dim];
    }

    @Override
    SparseBatchCompute sibling() {
      return new Compute(loss, dim, l2, denseIds);
    }

    @Override
    void fit(int n) {
      if (pull.length < n * pullW) {
        int cap = Math.max(n, pull.length / pullW * 2);
        pull = new float[cap * pullW];
        push = new float[cap * pushW];
      }
    }

    // Per row: s_f = Σ_i V_if x_i;  m = w_bias + Σ_i w_i x_i + ½ Σ_f (s_f² − Σ_i V_if² x_i²)
    // d = ℓ'(m, y) / B;   ∂/∂w_i += d x_i;   ∂/∂V_if += d (x_i s_f − V_if x_i²)
    // Frequency-adaptive regularization (DiFacto): ∂/∂V_if += λ₂ (c_i / B) V_if, where c_i counts
    // feature i in the minibatch, so a feature is regularized in proportion to how often it is seen.
    // The push carries [c_i, ∂/∂w_i, ∂/∂V_i].
    @Override
    public double gradient() {
      final float[] p = pull;
      final float[] g = push;
      final int[] occ = occurrences;
      final int[] counts = counts();
      final int[] rowStart = block.rowStart;
      final float[] values = block.values;
      final float[] labels = block.labels;
      final int dim = this.dim;
      final float[] s = this.s;
      final float inv = 1f / (to - from);
      java.util.Arrays.fill(g, 0, n * pushW, 0f);
      double sum = 0;
      int pos = 0;
      for (int i = from; i < to; i++) {
        int r = order[i];
        int start = rowStart[r];
        int end = rowStart[r + 1];
        int biasIdx = occ[pos++];
        int first = pos;
        float m = p[biasIdx * pullW];
        float sq = 0f;
        java.util.Arrays.fill(s, 0f);
        for (int e = start; e < end; e++) {
          int k = occ[pos++] * pullW;
          float x = values == null ? 1f : values[e];
          m += p[k] * x;
          for (int f = 0; f < dim; f++) {
            float vx = p[k + 1 + f] * x;
            s[f] += vx;
            sq += vx * vx;
          }
        }
        float ss = 0f;
        for (int f = 0; f < dim; f++) {
          ss += s[f] * s[f];
        }
        m += 0.5f * (ss - sq);
        float y = labels[r];
        double shared = loss.shared(m);
        sum += loss.value(m, y, shared);
        float d = loss.gradient(m, y, shared) * inv;
        if (d == 0f) {
          continue;
        }
        g[biasIdx * pushW + 1] += d;
        pos = first;
        for (int e = start; e < end; e++) {
          int idx = occ[pos++];
          int k = idx * pullW;
          int o = idx * pushW;
          float x = values == null ? 1f : values[e];
          float dx = d * x;
          g[o + 1] += dx;
          float xx = x * x;
          for (int f = 0; f < dim; f++) {
            g[o + 2 + f] += d * (x * s[f] - p[k + 1 + f] * xx);
          }
        }
      }
      for (int idx = 0; idx < n; idx++) {
        int o = idx * pushW;
        g[o] = counts[idx];
        if (l2 > 0) {
          float reg = l2 * counts[idx] * inv;
          int k = idx * pullW;
          for (int f = 0; f < dim; f++) {
            g[o + 2 + f] += reg * p[k + 1 + f];
          }
        }
      }
      return sum;
    }
  }

  /**
   * The same pass on a device: the host lays the minibatch's rows out in the order of {@code
   * occurrences} (per row the bias key, then its entries), and the device does the rest.
   * Not thread-safe.
   */
  static final class DeviceCompute extends Compute {
    private final Accelerator accelerator;
    private final Accelerator.FmPass pass;
    private float[] x = new float[0];
    private int[] rowStart = new int[0];
    private float[] labels = new float[0];

    DeviceCompute(Loss loss, int dim, float l2, int denseIds, Accelerator accelerator) {
      super(loss, dim, l2, denseIds);
      this.accelerator = accelerator;
      this.pass = accelerator.fm(loss, dim, l2);
    }

    /** A twin computes on the device too, with a pass (and stream) of its own. */
    @Override
    SparseBatchCompute sibling() {
      return new DeviceCompute(loss, super.dim, super.l2, denseIds, accelerator);
    }

    @Override
    public double gradient() {
      int rows = to - from;
      int[] occ = occurrences;
      int[] blockStart = block.rowStart;
      int entries = rows;
      for (int i = from; i < to; i++) {
        entries += blockStart[order[i] + 1] - blockStart[order[i]];
      }
      if (x.length < entries) {
        x = new float[Math.max(entries, x.length * 2)];
      }
      if (labels.length < rows) {
        labels = new float[rows];
        rowStart = new int[rows + 1];
      }
      int pos = 0;
      for (int i = 0; i < rows; i++) {
        int r = order[from + i];
        rowStart[i] = pos;
        labels[i] = block.labels[r];
        x[pos++] = 1f;
        for (int e = blockStart[r]; e < blockStart[r + 1]; e++) {
          x[pos++] = block.value(e);
        }
      }
      rowStart[rows] = pos;
      return pass.gradient(pull, n, occ, x, rowStart, labels, rows, counts(), push);
    }
  }
}
