package trainyard.gpu;

import trainyard.engine.model.Accelerator;
import trainyard.engine.model.Loss;

/**
 * The engine's FM pass (see {@code FmAlgorithm}) on one stream: the minibatch's pulled values,
 * entries and labels go up, the push ([count, ∂w, ∂V] per key) and one loss per row come down.
 * Buffers grow to the largest minibatch seen. Not thread-safe: one per worker.
 */
final class DeviceFm implements Accelerator.FmPass {
  private final DeviceOps ops;
  private final int lossKind;
  private final int dim;
  private final float l2;
  private DeviceBuffer pull;
  private DeviceBuffer push;
  private DeviceBuffer counts;
  private int keyCap;
  private DeviceBuffer key;
  private DeviceBuffer x;
  private int entryCap;
  private DeviceBuffer rowStart;
  private DeviceBuffer labels;
  private DeviceBuffer loss;
  private float[] lossHost = new float[0];
  private int rowCap;

  DeviceFm(DeviceOps ops, Loss loss, int dim, float l2) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    this.ops = ops;
    this.lossKind = loss.ordinal();
    this.dim = dim;
    this.l2 = l2;
  }

  @Override
  public double gradient(float[] pullHost, int keys, int[] keyHost, float[] xHost, int[] rowStartHost,
      float[] labelsHost, int rows, int[] countsHost, float[] pushHost) {
    Stream s = ops.stream;
    s.begin();
    int entries = rowStartHost[rows];
    fit(s, keys, entries, rows);
    int pullW = 1 + dim;
    int pushW = 2 + dim;
    s.upload(pullHost, keys * pullW, pull);
    s.upload(countsHost, keys, counts);
    s.upload(keyHost, entries, key);
    s.upload(xHost, entries, x);
    s.upload(rowStartHost, rows + 1, rowStart);
    s.upload(labelsHost, rows, labels);
    s.zero(push, keys * pushW);
    float inv = 1f / rows;
    ops.fmRows(pull, key, x, rowStart, labels, rows, dim, lossKind, inv, push, loss);
    ops.fmRegularize(pull, counts, keys, dim, l2, inv, push);
    s.download(push, keys * pushW, pushHost);
    s.download(loss, rows, lossHost);
    double sum = 0;
    for (int i = 0; i < rows; i++) {
      sum += lossHost[i];
    }
    return sum;
  }

  /** Grows the device buffers, doubling, to hold the minibatch; the last minibatch's downloads drained the stream. */
  private void fit(Stream s, int keys, int entries, int rows) {
    if (keys > keyCap) {
      s.free(pull, push, counts);
      keyCap = Math.max(keys, keyCap * 2);
      pull = s.floats(keyCap * (1 + dim));
      push = s.floats(keyCap * (2 + dim));
      counts = s.ints(keyCap);
    }
    if (entries > entryCap) {
      s.free(key, x);
      entryCap = Math.max(entries, entryCap * 2);
      key = s.ints(entryCap);
      x = s.floats(entryCap);
    }
    if (rows > rowCap) {
      s.free(rowStart, labels, loss);
      rowCap = Math.max(rows, rowCap * 2);
      rowStart = s.ints(rowCap + 1);
      labels = s.floats(rowCap);
      loss = s.floats(rowCap);
      lossHost = new float[rowCap];
    }
  }
}
