package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The logistic loss's value and gradient from one shared e^−|m| are those computed each on its own, bit for bit. */
class LossTest {
  @Test
  void theSharedExponentialChangesNoBit() {
    SplittableRandom rnd = new SplittableRandom(1);
    float[] edges = {0f, -0f, 1e-30f, -1e-30f, 40f, -40f, 800f, -800f, Float.MIN_VALUE, -Float.MIN_VALUE};
    for (int i = 0; i < 100_000 + edges.length; i++) {
      float m = i < edges.length ? edges[i] : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-3, 3)));
      for (float y : new float[] {0f, 1f}) {
        double value = Math.max(m, 0) + Math.log(1 + Math.exp(-Math.abs(m))) - (y > 0 ? 1 : 0) * m;
        float sigmoid = m >= 0 ? 1f / (1f + (float) Math.exp(-m)) : 1f - 1f / (1f + (float) Math.exp(m));
        double e = Loss.LOGISTIC.shared(m);
        assertEquals(value, Loss.LOGISTIC.value(m, y, e), "value at m = " + m);
        assertEquals(sigmoid - y, Loss.LOGISTIC.gradient(m, y, e), "gradient at m = " + m);
        assertEquals(sigmoid, Loss.sigmoid(m));
      }
    }
    assertEquals(Loss.SQUARED.value(3f, 1f), Loss.SQUARED.value(3f, 1f, Loss.SQUARED.shared(3f)));
    assertEquals(Loss.HINGE.gradient(0.5f, 1f), Loss.HINGE.gradient(0.5f, 1f, Loss.HINGE.shared(0.5f)));
  }
}
