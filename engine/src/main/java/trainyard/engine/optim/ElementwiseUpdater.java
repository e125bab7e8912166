package trainyard.engine.optim;

import trainyard.engine.ps.Updater;

/**
 * Base of the optimizers that treat every float of a key independently. A key of value width
 * {@code k} keeps its weights in {@code state[off .. off+k)} followed by the optimizer's
 * accumulators, block by block; pushes carry {@code k} gradients, pulls return the {@code k}
 * weights. Immutable and thread-safe: one instance may serve every shard.
 */
abstract class ElementwiseUpdater implements Updater {
  protected final int k;
  protected final float eta;
  protected final float l1;
  protected final float l2;
  private final WeightInit weightInit;

  ElementwiseUpdater(int width, double learningRate, double l1, double l2, WeightInit init) {
    if (width < 1) {
      throw new IllegalArgumentException("width must be >= 1, got " + width);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
    }
    if (l1 < 0 || l2 < 0) {
      throw new IllegalArgumentException("l1 and l2 must be >= 0, got " + l1 + " and " + l2);
    }
    this.k = width;
    this.eta = (float) learningRate;
    this.l1 = (float) l1;
    this.l2 = (float) l2;
    this.weightInit = init;
  }

  @Override
  public int pullWidth() {
    return k;
  }

  @Override
  public int pushWidth() {
    return k;
  }

  @Override
  public void init(long key, float[] state, int off) {
    weightInit.init(key, state, off, k);
  }

  @Override
  public void read(long key, float[] state, int off, float[] out, int ooff) {
    // A loop, not System.arraycopy: k is 1 for linear models, too few floats for a call into the
    // JVM's copy stub per key (PERFORMANCE.md, "A copy per key": a gain in some runs, not all).
    for (int j = 0; j < k; j++) {
      out[ooff + j] = state[off + j];
    }
  }

  /** Soft-thresholding, the proximal step of an L1 penalty {@code t·|w|}. */
  static float shrink(float w, float t) {
    if (w > t) {
      return w - t;
    }
    if (w < -t) {
      return w + t;
    }
    return 0f;
  }
}
