package trainyard.engine.model;

import trainyard.engine.data.CsrBlock;

/**
 * The shape of a dense MLP and its passes over a minibatch: ReLU hidden layers, then softmax
 * (several classes) or a logistic unit. Parameters are one flat vector: per layer l, W_l
 * (in×out, row-major) then b_l (out). Buffers for up to {@code maxRows} rows live here, so an
 * instance is not thread-safe: one per worker (or per predict call).
 */
final class MlpNet {
  final int[] sizes;
  final int[] weightOff;
  final int[] biasOff;
  final int params;
  final boolean softmax;
  private final Compute compute;
  private final float[] x;
  /** Pre-activations and activations per layer (index 0 unused for z). */
  private final float[][] z;
  private final float[][] act;
  private final float[][] delta;

  MlpNet(int[] sizes, boolean softmax, Compute compute, int maxRows) {
    this.sizes = sizes.clone();
    this.softmax = softmax;
    this.compute = compute;
    int layers = sizes.length - 1;
    weightOff = new int[layers];
    biasOff = new int[layers];
    long p = 0;
    for (int l = 0; l < layers; l++) {
      weightOff[l] = (int) p;
      p += (long) sizes[l] * sizes[l + 1];
      biasOff[l] = (int) p;
      p += sizes[l + 1];
    }
    if (p > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("the MLP would have " + p + " parameters; at most " + Integer.MAX_VALUE / 2);
    }
    params = (int) p;
    x = new float[maxRows * sizes[0]];
    z = new float[sizes.length][];
    act = new float[sizes.length][];
    delta = new float[sizes.length][];
    act[0] = x;
    for (int l = 1; l < sizes.length; l++) {
      z[l] = new float[maxRows * sizes[l]];
      act[l] = new float[maxRows * sizes[l]];
      delta[l] = new float[maxRows * sizes[l]];
    }
  }

  int outputs() {
    return sizes[sizes.length - 1];
  }

  /** Glorot-uniform weights, zero biases: parameter {@code p}'s initial value from {@code unit} in [0, 1). */
  float initialValue(int p, float unit) {
    for (int l = 0; l < weightOff.length; l++) {
      if (p < biasOff[l]) {
        if (p >= weightOff[l]) {
          float limit = (float) Math.sqrt(6.0 / (sizes[l] + sizes[l + 1]));
          return (2f * unit - 1f) * limit;
        }
      } else if (p < biasOff[l] + sizes[l + 1]) {
        return 0f;
      }
    }
    return 0f;
  }

  /** Densifies rows {@code order[from..to)} into the input buffer; ids beyond the input size are ignored. */
  void load(CsrBlock block, int[] order, int from, int to) {
    densify(block, order, from, to, sizes[0], x);
  }

  /** Rows {@code order[from..to)} (order null: in turn) as dense rows of width {@code d} in {@code x}; ids outside [0, d) are ignored. */
  static void densify(CsrBlock block, int[] order, int from, int to, int d, float[] x) {
    int rows = to - from;
    java.util.Arrays.fill(x, 0, rows * d, 0f);
    for (int i = 0; i < rows; i++) {
      int r = order == null ? from + i : order[from + i];
      for (int e = block.rowStart[r]; e < block.rowStart[r + 1]; e++) {
        long id = block.keys[e];
        if (id >= 0 && id < d) {
          x[i * d + (int) id] = block.value(e);
        }
      }
    }
  }

  /** Forward pass over the loaded rows; returns the output activations (probabilities). */
  float[] forward(float[] w, int rows) {
    int layers = sizes.length - 1;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      compute.gemm(false, false, rows, out, in, act[l], 0, w, weightOff[l], z[l + 1], 0, false);
      compute.addBias(z[l + 1], rows, out, w, biasOff[l]);
      if (l + 1 < layers) {
        compute.relu(z[l + 1], act[l + 1], rows * out);
      }
    }
    outputActivation(rows);
    return act[layers];
  }

  private void outputActivation(int rows) {
    int k = outputs();
    float[] zo = z[sizes.length - 1];
    float[] p = act[sizes.length - 1];
    if (!softmax) {
      for (int i = 0; i < rows; i++) {
        p[i] = Loss.sigmoid(zo[i]);
      }
      return;
    }
    for (int i = 0; i < rows; i++) {
      int o = i * k;
      float max = zo[o];
      for (int c = 1; c < k; c++) {
        max = Math.max(max, zo[o + c]);
      }
      float sum = 0f;
      for (int c = 0; c < k; c++) {
        float e = (float) Math.exp(zo[o + c] - max);
        p[o + c] = e;
        sum += e;
      }
      for (int c = 0; c < k; c++) {
        p[o + c] /= sum;
      }
    }
  }

  // Output: δ_L = (p − onehot(y)) / B (softmax with cross-entropy, or σ with logloss alike).
  // Layer l: ∂W_l = A_{l−1}ᵀ δ_l;  ∂b_l = Σ_rows δ_l;  δ_{l−1} = (δ_l W_lᵀ) ⊙ 1[z_{l−1} > 0].
  /** Backward pass after {@link #forward}; writes the mean-loss gradient into {@code grad} and returns the summed loss. */
  double backward(float[] w, float[] labels, int[] order, int from, int rows, float[] grad) {
    int layers = sizes.length - 1;
    int k = outputs();
    float[] p = act[layers];
    float[] d = delta[layers];
    float inv = 1f / rows;
    double loss = 0;
    for (int i = 0; i < rows; i++) {
      float y = labels[order == null ? from + i : order[from + i]];
      if (softmax) {
        int c = (int) y;
        loss -= Math.log(Math.max(1e-15, p[i * k + c]));
        for (int j = 0; j < k; j++) {
          d[i * k + j] = (p[i * k + j] - (j == c ? 1f : 0f)) * inv;
        }
      } else {
        float t = y > 0 ? 1f : 0f;
        loss -= Math.log(Math.max(1e-15, t > 0 ? p[i] : 1 - p[i]));
        d[i] = (p[i] - t) * inv;
      }
    }
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      compute.gemm(true, false, in, out, rows, act[l], 0, delta[l + 1], 0, grad, weightOff[l], false);
      compute.columnSums(delta[l + 1], rows, out, grad, biasOff[l]);
      if (l > 0) {
        compute.gemm(false, true, rows, in, out, delta[l + 1], 0, w, weightOff[l], delta[l], 0, false);
        compute.reluBackward(delta[l], z[l], rows * in);
      }
    }
    return loss;
  }
}
