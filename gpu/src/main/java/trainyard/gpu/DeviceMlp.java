package trainyard.gpu;

import trainyard.engine.model.Accelerator;

/**
 * The engine's MLP pass (see {@code MlpNet}) on one stream: weights, activations, deltas and the
 * gradient stay on the device; per minibatch the pulled weights, the rows and their labels go
 * up, the gradient and one loss per row come down. Parameters are, per layer l, W_l (in×out,
 * row-major) then b_l. Not thread-safe: one per worker.
 */
final class DeviceMlp implements Accelerator.MlpPass {
  private final DeviceOps ops;
  private final int[] sizes;
  private final boolean softmax;
  private final int maxRows;
  private final int params;
  private final int[] weightOff;
  private final int[] biasOff;
  private final DeviceBuffer w;
  private final DeviceBuffer grad;
  private final DeviceBuffer labels;
  private final DeviceBuffer loss;
  /** Pre-activations, activations (act[0] is the input) and deltas per layer; index 0 of z and delta unused. */
  private final DeviceBuffer[] z;
  private final DeviceBuffer[] act;
  private final DeviceBuffer[] delta;
  private final float[] lossHost;

  DeviceMlp(DeviceOps ops, int[] sizes, boolean softmax, int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
    }
    this.ops = ops;
    this.sizes = sizes.clone();
    this.softmax = softmax;
    this.maxRows = maxRows;
    int layers = sizes.length - 1;
    weightOff = new int[layers];
    biasOff = new int[layers];
    int p = 0;
    for (int l = 0; l < layers; l++) {
      weightOff[l] = p;
      p += sizes[l] * sizes[l + 1];
      biasOff[l] = p;
      p += sizes[l + 1];
    }
    params = p;
    Stream s = ops.stream;
    s.begin();
    w = s.floats(params);
    grad = s.floats(params);
    labels = s.floats(maxRows);
    loss = s.floats(maxRows);
    z = new DeviceBuffer[sizes.length];
    act = new DeviceBuffer[sizes.length];
    delta = new DeviceBuffer[sizes.length];
    act[0] = s.floats(maxRows * sizes[0]);
    for (int l = 1; l < sizes.length; l++) {
      z[l] = s.floats(maxRows * sizes[l]);
      act[l] = l < layers ? s.floats(maxRows * sizes[l]) : null;
      delta[l] = s.floats(maxRows * sizes[l]);
    }
    lossHost = new float[maxRows];
  }

  // Forward: z_l = A_{l−1} W_l + b_l; A_l = relu(z_l), the last layer softmax or σ.
  // Output: δ_L = (p − onehot(y)) / B.  Layer l: ∂W_l = A_{l−1}ᵀ δ_l;  ∂b_l = Σ_rows δ_l;
  // δ_{l−1} = (δ_l W_lᵀ) ⊙ 1[z_{l−1} > 0].
  @Override
  public double gradient(float[] weights, float[] x, float[] rowLabels, int rows, float[] out) {
    if (rows < 1 || rows > maxRows) {
      throw new IllegalArgumentException("rows must be in 1.." + maxRows + ", got " + rows);
    }
    Stream s = ops.stream;
    s.begin();
    s.upload(weights, params, w);
    s.upload(x, rows * sizes[0], act[0]);
    s.upload(rowLabels, rows, labels);
    int layers = sizes.length - 1;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int outs = sizes[l + 1];
      ops.gemm(false, false, rows, outs, in, act[l], w.at(weightOff[l]), z[l + 1]);
      ops.addBias(z[l + 1], rows, outs, w.at(biasOff[l]));
      if (l + 1 < layers) {
        ops.relu(z[l + 1], act[l + 1], rows * outs);
      }
    }
    float inv = 1f / rows;
    if (softmax) {
      ops.softmaxLoss(z[layers], labels, rows, sizes[layers], inv, delta[layers], loss);
    } else {
      ops.logisticLoss(z[layers], labels, rows, inv, delta[layers], loss);
    }
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int outs = sizes[l + 1];
      ops.gemm(true, false, in, outs, rows, act[l], delta[l + 1], grad.at(weightOff[l]));
      ops.columnSums(delta[l + 1], rows, outs, grad.at(biasOff[l]));
      if (l > 0) {
        ops.gemm(false, true, rows, in, outs, delta[l + 1], w.at(weightOff[l]), delta[l]);
        ops.reluBackward(delta[l], z[l], rows * in);
      }
    }
    s.download(grad, params, out);
    s.download(loss, rows, lossHost);
    double sum = 0;
    for (int i = 0; i < rows; i++) {
      sum += lossHost[i];
    }
    return sum;
  }
}
