package trainyard.engine.optim;

/** AdaGrad (Duchi et al. 2011); state per float: w, n. Thread-safe (immutable). */
public final class AdaGradUpdater extends ElementwiseUpdater {
  static final float EPS = 1e-8f;

  public AdaGradUpdater(int width, double learningRate, double l1, double l2, WeightInit init) {
    super(width, learningRate, l1, l2, init);
  }

  @Override
  public int stateWidth() {
    return 2 * k;
  }

  // g' = g + λ₂ w;   n ← n + g'²;   η' = η · rate / (√n + ε);   w ← w − η' g';
  // then the L1 proximal step with the same step size: w ← sign(w) · max(0, |w| − η' λ₁)
  @Override
  public void apply(long key, float[] grad, int goff, float[] state, int off, float rate) {
    float lr = eta * rate;
    for (int j = 0; j < k; j++) {
      float w = state[off + j];
      float g = grad[goff + j] + l2 * w;
      float n = state[off + k + j] + g * g;
      state[off + k + j] = n;
      float step = lr / ((float) Math.sqrt(n) + EPS);
      w -= step * g;
      state[off + j] = l1 > 0 ? shrink(w, step * l1) : w;
    }
  }
}
