package trainyard.engine.optim;

/**
 * Adam (Kingma and Ba 2015), lazy: a key's step count advances only when it is pushed.
 * State: w, m, v per float, then the key's step count t. Thread-safe (immutable).
 */
public final class AdamUpdater extends ElementwiseUpdater {
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPS = 1e-8f;

  public AdamUpdater(int width, double learningRate, double l1, double l2, WeightInit init) {
    super(width, learningRate, l1, l2, init);
  }

  @Override
  public int stateWidth() {
    return 3 * k + 1;
  }

  // t ← t + 1;   g' = g + λ₂ w;   m ← β₁ m + (1 − β₁) g';   v ← β₂ v + (1 − β₂) g'²
  // η' = η · rate;   w ← w − η' (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε);   then L1: w ← sign(w) · max(0, |w| − η' λ₁)
  @Override
  public void apply(long key, float[] grad, int goff, float[] state, int off, float rate) {
    float lr = eta * rate;
    float t = state[off + 3 * k] + 1f;
    state[off + 3 * k] = t;
    float c1 = 1f - (float) Math.pow(BETA1, t);
    float c2 = 1f - (float) Math.pow(BETA2, t);
    for (int j = 0; j < k; j++) {
      float w = state[off + j];
      float g = grad[goff + j] + l2 * w;
      float m = BETA1 * state[off + k + j] + (1f - BETA1) * g;
      float v = BETA2 * state[off + 2 * k + j] + (1f - BETA2) * g * g;
      state[off + k + j] = m;
      state[off + 2 * k + j] = v;
      w -= lr * (m / c1) / ((float) Math.sqrt(v / c2) + EPS);
      state[off + j] = l1 > 0 ? shrink(w, lr * l1) : w;
    }
  }
}
