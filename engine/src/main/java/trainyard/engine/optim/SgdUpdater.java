package trainyard.engine.optim;

/** Plain SGD; state per float: w. Thread-safe (immutable). */
public final class SgdUpdater extends ElementwiseUpdater {
  public SgdUpdater(int width, double learningRate, double l1, double l2, WeightInit init) {
    super(width, learningRate, l1, l2, init);
  }

  @Override
  public int stateWidth() {
    return k;
  }

  // η' = η · rate;   w ← w − η' (g + λ₂ w);   then the L1 proximal step: w ← sign(w) · max(0, |w| − η' λ₁)
  @Override
  public void apply(long key, float[] grad, int goff, float[] state, int off, float rate) {
    float lr = eta * rate;
    float t = lr * l1;
    for (int j = 0; j < k; j++) {
      float w = state[off + j];
      w -= lr * (grad[goff + j] + l2 * w);
      state[off + j] = l1 > 0 ? shrink(w, t) : w;
    }
  }
}
