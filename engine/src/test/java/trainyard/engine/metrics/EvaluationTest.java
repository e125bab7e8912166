package trainyard.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  /** O(n²) definition: pairs (pos, neg) ordered right count 1, ties ½. */
  private static double bruteAuc(float[] s, float[] y) {
    double sum = 0;
    long pairs = 0;
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        if (y[i] > 0 && y[j] <= 0) {
          pairs++;
          sum += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }
    return sum / pairs;
  }

  @Test
  void exactAucEqualsThePairCountWithTies() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] s = new float[500];
    float[] y = new float[500];
    for (int i = 0; i < s.length; i++) {
      s[i] = rnd.nextInt(40) / 10f - 2f; // many ties, negative scores too
      y[i] = rnd.nextDouble() < s[i] / 8 + 0.5 ? 1 : 0;
    }
    assertEquals(bruteAuc(s, y), Auc.exact(s, y, s.length), 1e-12);
    assertEquals(1.0, Auc.exact(new float[] {0.1f, 0.9f}, new float[] {0, 1}, 2), 0);
    assertEquals(0.5, Auc.exact(new float[] {0.3f, 0.3f}, new float[] {0, 1}, 2), 0);
    assertTrue(Double.isNaN(Auc.exact(new float[] {0.3f}, new float[] {1}, 1)));
  }

  @Test
  void loglossAccuracyRmse() {
    float[] p = {0.9f, 0.2f, 0.6f};
    float[] y = {1, 0, 0};
    double expected = -(Math.log(0.9f) + Math.log(1 - 0.2f) + Math.log(1 - 0.6f)) / 3;
    assertEquals(expected, Evaluation.logloss(p, y, 3), 1e-7);
    assertEquals(2.0 / 3, Evaluation.accuracy(p, y, 3), 1e-12);
    assertEquals(Math.sqrt((0.01 + 0.04 + 0.36) / 3), Evaluation.rmse(p, y, 3), 1e-6);
  }

  @Test
  void multiClass() {
    float[] p = {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f};
    Map<String, Double> m = Evaluation.multiClass(p, 3, new float[] {0, 1}, 2);
    assertEquals(0.5, m.get(Evaluation.VAL_ACCURACY), 0);
    assertEquals(-(Math.log(0.7f) + Math.log(0.3f)) / 2, m.get(Evaluation.VAL_LOGLOSS), 1e-7);
  }
}
