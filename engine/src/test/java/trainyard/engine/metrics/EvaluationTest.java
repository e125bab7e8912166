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
    assertEquals(expected, ReferenceMetrics.logloss(p, y, 3), 1e-7);
    assertEquals(2.0 / 3, ReferenceMetrics.accuracy(p, y, 3), 1e-12);
    assertEquals(Math.sqrt((0.01 + 0.04 + 0.36) / 3), ReferenceMetrics.rmse(p, y, 3), 1e-6);
  }

  @Test
  void multiClass() {
    float[] p = {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f};
    Map<String, Double> m = ReferenceMetrics.multiClass(p, 3, new float[] {0, 1}, 2);
    assertEquals(0.5, m.get(Evaluation.VAL_ACCURACY), 0);
    assertEquals(-(Math.log(0.7f) + Math.log(0.3f)) / 2, m.get(Evaluation.VAL_LOGLOSS), 1e-7);
  }

  @Test
  void streamedMetricsEqualTheOneBlockOnesBitForBit() {
    SplittableRandom rnd = new SplittableRandom(9);
    int n = 3001;
    float[] p = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      p[i] = rnd.nextInt(50) / 50f; // ties
      y[i] = rnd.nextDouble() < 0.3 ? 1 : 0;
    }
    MetricsAccumulator acc = new MetricsAccumulator(1, false);
    for (int from = 0; from < n; from += 700) {
      int k = Math.min(700, n - from);
      acc.add(java.util.Arrays.copyOfRange(p, from, from + k), java.util.Arrays.copyOfRange(y, from, from + k), k);
    }
    assertEquals(ReferenceMetrics.binary(p, y, n), acc.result());

    MetricsAccumulator squared = new MetricsAccumulator(1, true);
    squared.add(p, y, 1000);
    squared.add(java.util.Arrays.copyOfRange(p, 1000, n), java.util.Arrays.copyOfRange(y, 1000, n), n - 1000);
    Map<String, Double> m = squared.result();
    assertEquals(ReferenceMetrics.rmse(p, y, n), m.get(Evaluation.VAL_RMSE));
    assertEquals(ReferenceMetrics.binary(p, y, n).get(Evaluation.VAL_AUC), m.get(Evaluation.VAL_AUC));
    float[] real = y.clone();
    real[2000] = 0.5f;
    MetricsAccumulator notBinary = new MetricsAccumulator(1, true);
    notBinary.add(p, real, n);
    assertEquals(java.util.Set.of(Evaluation.VAL_RMSE), notBinary.result().keySet());

    int classes = 3;
    float[] q = new float[n * classes];
    float[] c = new float[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < classes; k++) {
        q[i * classes + k] = rnd.nextFloat();
      }
      c[i] = rnd.nextInt(classes);
    }
    MetricsAccumulator multi = new MetricsAccumulator(classes, false);
    multi.add(q, c, 1500);
    multi.add(java.util.Arrays.copyOfRange(q, 1500 * classes, n * classes), java.util.Arrays.copyOfRange(c, 1500, n),
        n - 1500);
    assertEquals(ReferenceMetrics.multiClass(q, classes, c, n), multi.result());
  }
}
