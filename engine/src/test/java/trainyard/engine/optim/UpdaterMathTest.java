package trainyard.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import trainyard.engine.ps.Updater;

/** Each optimizer's first steps against the formula worked by hand. */
class UpdaterMathTest {
  private static final float TOL = 1e-6f;

  private static float[] step(Updater u, float[] state, float... grads) {
    for (float g : grads) {
      u.apply(7L, new float[] {g}, 0, state, 0, 1f);
    }
    return state;
  }

  @Test
  void sgdWithL2AndL1() {
    Updater u = new SgdUpdater(1, 0.1, 0.0, 0.5, WeightInit.ZERO);
    float[] s = step(u, new float[1], 2f);
    assertEquals(-0.2f, s[0], TOL); // 0 − 0.1·(2 + 0.5·0)
    step(u, s, 1f);
    assertEquals(-0.2f - 0.1f * (1f + 0.5f * -0.2f), s[0], TOL);

    Updater l1 = new SgdUpdater(1, 0.1, 3.0, 0, WeightInit.ZERO);
    assertEquals(0f, step(l1, new float[1], 2f)[0], 0f); // |−0.2| ≤ 0.1·3: shrunk to 0
    assertEquals(-0.2f, step(l1, new float[1], 5f)[0], TOL); // −0.5 shrunk by 0.3
  }

  @Test
  void adaGradScalesByAccumulatedSquares() {
    Updater u = new AdaGradUpdater(1, 0.5, 0, 0, WeightInit.ZERO);
    float[] s = step(u, new float[2], 2f);
    assertEquals(4f, s[1], TOL);
    assertEquals(-0.5f * 2f / 2f, s[0], TOL);
    step(u, s, 1f);
    assertEquals(5f, s[1], TOL);
    assertEquals(-0.5f - 0.5f / (float) Math.sqrt(5), s[0], TOL);
  }

  @Test
  void ftrlProximalMatchesMcMahan() {
    double alpha = 0.1;
    double l1 = 0.5;
    double l2 = 1.0;
    Updater u = new FtrlUpdater(1, alpha, l1, l2, WeightInit.ZERO);
    float[] s = step(u, new float[3], 0.3f);
    // z = 0.3, n = 0.09: |z| ≤ λ₁, so w = 0.
    assertEquals(0f, s[0], 0f);
    assertEquals(0.3f, s[1], TOL);
    assertEquals(0.3f, s[2], TOL); // √n
    step(u, s, 0.4f);
    // σ = (√0.25 − √0.09)/α = 2; z = 0.3 + 0.4 − 2·0 = 0.7; n = 0.25
    // w = −(0.7 − 0.5) / ((1 + 0.5)/0.1 + 1) = −0.0125
    assertEquals(0.7f, s[1], TOL);
    assertEquals(-0.0125f, s[0], TOL);
    step(u, s, -0.1f);
    // σ = (√0.26 − 0.5)/0.1; z = 0.7 − 0.1 − σ·(−0.0125)
    double sigma = (Math.sqrt(0.26) - 0.5) / alpha;
    double z = 0.6 + sigma * 0.0125;
    assertEquals(z, s[1], 1e-6);
    assertEquals(-(z - l1) / ((1 + Math.sqrt(0.26)) / alpha + l2), s[0], 1e-6);
  }

  @Test
  void ftrlKeepsANonZeroInitialWeight() {
    Updater u = new FtrlUpdater(1, 0.1, 0.2, 0.3, (key, w, off, k) -> w[off] = 0.25f);
    float[] s = new float[3];
    u.init(7L, s, 0);
    // With n = 0 the closed form must give back the initial weight.
    float z = s[1];
    float w = Math.abs(z) <= 0.2f ? 0f : -(z - Math.signum(z) * 0.2f) / (1f / 0.1f + 0.3f);
    assertEquals(0.25f, w, TOL);
  }

  @Test
  void adamBiasCorrectedFirstStepIsLearningRate() {
    Updater u = new AdamUpdater(1, 0.01, 0, 0, WeightInit.ZERO);
    float[] s = step(u, new float[4], 3f);
    // m̂ = g, v̂ = g², so the first step is −η·sign(g).
    assertEquals(-0.01f, s[0], 1e-6f);
    assertEquals(1f, s[3], 0f);
    step(u, s, -1f);
    double m = 0.9 * 0.3 + 0.1 * -1;
    double v = 0.999 * 0.009 + 0.001 * 1;
    double w = -0.01 - 0.01 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
    assertEquals(w, s[0], 1e-6);
  }

  @Test
  void theRateFactorScalesTheStepOfSgdAdaGradAdamAndFmEmbeddings() {
    float[] sgd = new float[1];
    new SgdUpdater(1, 0.1, 0.3, 0.5, WeightInit.ZERO).apply(7L, new float[] {2f}, 0, sgd, 0, 0.25f);
    assertEquals(-0.05f + 0.025f * 0.3f, sgd[0], TOL); // η' = 0.025: 0 − 0.025·2, then L1 shrinks by 0.025·0.3
    float[] ada = new float[2];
    new AdaGradUpdater(1, 0.1, 0, 0, WeightInit.ZERO).apply(7L, new float[] {2f}, 0, ada, 0, 0.5f);
    assertEquals(-0.05f, ada[0], TOL); // −0.1·0.5·2/√4
    assertEquals(4f, ada[1], TOL, "the accumulator does not see the factor");
    float[] adam = new float[4];
    new AdamUpdater(1, 0.1, 0, 0, WeightInit.ZERO).apply(7L, new float[] {2f}, 0, adam, 0, 0.5f);
    assertEquals(-0.05f, adam[0], 1e-5f); // bias-corrected m/√v = 1 at the first step
    float[] none = new float[4];
    new AdamUpdater(1, 0.1, 0, 0, WeightInit.ZERO).apply(7L, new float[] {2f}, 0, none, 0, 0f);
    assertEquals(0f, none[0], 0f, "warm-up's factor 0 would leave the weight");
    FmUpdater fm = new FmUpdater(new SgdUpdater(1, 0.1, 0, 0, WeightInit.ZERO), 2, 0, 0.2);
    FmUpdater fmHalf = new FmUpdater(new SgdUpdater(1, 0.1, 0, 0, WeightInit.ZERO), 2, 0, 0.2);
    float[] full = new float[3];
    float[] half = new float[3];
    fm.init(9L, full, 0);
    fmHalf.init(9L, half, 0);
    float[] grad = {1, 1, 0, 0};
    fm.apply(9L, grad, 0, full, 0, 1f);
    fmHalf.apply(9L, grad, 0, half, 0, 0.5f);
    assertEquals(full[0] / 2, half[0], TOL); // the linear part (SGD) halves
    float[] push = {1, 1, 4, 4};
    float[] v = new float[3];
    float[] vHalf = new float[3];
    fm.apply(9L, push, 0, full, 0, 1f);
    fmHalf.apply(9L, push, 0, half, 0, 0.5f);
    fm.read(9L, full, 0, v, 0);
    fmHalf.read(9L, half, 0, vHalf, 0);
    float init = v[1] + 0.2f; // AdaGrad's first step: −η·g/√g² = −0.2
    assertEquals(init - 0.1f, vHalf[1], TOL, "the embedding's step halves too");
  }

  @Test
  void widthsAndStateLayout() {
    assertEquals(3, new SgdUpdater(3, 1, 0, 0, WeightInit.ZERO).stateWidth());
    assertEquals(6, new AdaGradUpdater(3, 1, 0, 0, WeightInit.ZERO).stateWidth());
    assertEquals(9, new FtrlUpdater(3, 1, 0, 0, WeightInit.ZERO).stateWidth());
    assertEquals(10, new AdamUpdater(3, 1, 0, 0, WeightInit.ZERO).stateWidth());
    Updater u = new AdaGradUpdater(2, 1, 0, 0, WeightInit.ZERO);
    float[] s = new float[4];
    u.apply(1L, new float[] {0, 3, 4}, 1, s, 0, 1f);
    assertEquals(-1f, s[0], TOL);
    assertEquals(-1f, s[1], TOL);
    assertEquals(9f, s[2], TOL);
    assertEquals(16f, s[3], TOL);
  }

  @Test
  void rejectsBadHyperParameters() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Optimizers.create("rmsprop", 1, 0.1, 0, 0, WeightInit.ZERO));
    assertTrue(e.getMessage().contains("'rmsprop'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("sgd", 1, 0, 0, 0, WeightInit.ZERO));
    assertTrue(e.getMessage().contains("learningRate must be > 0, got 0.0"), e.getMessage());
  }
}
