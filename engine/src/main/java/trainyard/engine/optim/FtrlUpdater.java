package trainyard.engine.optim;

/**
 * FTRL-proximal (McMahan et al., KDD 2013) with α = learningRate and β = 1; state per float:
 * w, z, √n. Thread-safe (immutable).
 */
public final class FtrlUpdater extends ElementwiseUpdater {
  static final float BETA = 1f;

  public FtrlUpdater(int width, double learningRate, double l1, double l2, WeightInit init) {
    super(width, learningRate, l1, l2, init);
  }

  @Override
  public int stateWidth() {
    return 3 * k;
  }

  // σ = (√(n + g²) − √n) / α;   z ← z + g − σ w;   n ← n + g²
  // w = 0                                      if |z| ≤ λ₁
  //   = −(z − sign(z) λ₁) / ((β + √n) / α + λ₂)  otherwise
  // The record keeps √n rather than n: one square root per update. No schedule: its per-coordinate
  // rates decay by themselves, and the spec refuses one for ftrl, so rate is always 1.
  @Override
  public void apply(long key, float[] grad, int goff, float[] state, int off, float rate) {
    for (int j = 0; j < k; j++) {
      float g = grad[goff + j];
      float w = state[off + j];
      float z = state[off + k + j];
      float sqrtOld = state[off + 2 * k + j];
      float sqrtNew = (float) Math.sqrt(sqrtOld * sqrtOld + g * g);
      z += g - (sqrtNew - sqrtOld) / eta * w;
      state[off + k + j] = z;
      state[off + 2 * k + j] = sqrtNew;
      if (Math.abs(z) <= l1) {
        state[off + j] = 0f;
      } else {
        float zs = z > 0 ? z - l1 : z + l1;
        state[off + j] = -zs / ((BETA + sqrtNew) / eta + l2);
      }
    }
  }

  /**
   * Seeds z so that a key initialised with non-zero weights (an MLP's) starts from them: with
   * n = 0, w = −z / (β/α + λ₂) when |z| > λ₁.
   */
  @Override
  public void init(long key, float[] state, int off) {
    super.init(key, state, off);
    for (int j = 0; j < k; j++) {
      float w = state[off + j];
      if (w != 0f) {
        float z = -w * (BETA / eta + l2);
        state[off + k + j] = z > 0 ? z + l1 : z - l1;
      }
    }
  }
}
