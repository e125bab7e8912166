package trainyard.engine.metrics;

import static trainyard.engine.metrics.Evaluation.VAL_ACCURACY;
import static trainyard.engine.metrics.Evaluation.VAL_AUC;
import static trainyard.engine.metrics.Evaluation.VAL_LOGLOSS;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validation metrics of a whole pass, computed the plain way from all predictions at once:
 * the reference the tests hold {@link MetricsAccumulator} to (the engine computes them block by
 * block with it). Stateless.
 */
final class ReferenceMetrics {
  private static final double EPS = 1e-15;

  private ReferenceMetrics() {}

  /**
   * Binary task: {@code p[i]} is the predicted probability of label > 0. Adds val_logloss,
   * val_auc (when both classes occur) and val_accuracy (threshold 0.5).
   */
  static Map<String, Double> binary(float[] p, float[] labels, int n) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (n == 0) {
      return m;
    }
    m.put(VAL_LOGLOSS, logloss(p, labels, n));
    double auc = Auc.exact(p, labels, n);
    if (!Double.isNaN(auc)) {
      m.put(VAL_AUC, auc);
    }
    m.put(VAL_ACCURACY, accuracy(p, labels, n));
    return m;
  }

  /** Mean −[y log p + (1−y) log(1−p)], p clipped to [1e-15, 1 − 1e-15]; y = label > 0. */
  static double logloss(float[] p, float[] labels, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double q = Math.min(1 - EPS, Math.max(EPS, p[i]));
      sum -= labels[i] > 0 ? Math.log(q) : Math.log(1 - q);
    }
    return sum / n;
  }

  static double accuracy(float[] p, float[] labels, int n) {
    long right = 0;
    for (int i = 0; i < n; i++) {
      if ((p[i] >= 0.5f) == (labels[i] > 0)) {
        right++;
      }
    }
    return (double) right / n;
  }

  /** √(mean (y − ŷ)²) on the raw labels. */
  static double rmse(float[] yhat, float[] labels, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double d = labels[i] - yhat[i];
      sum += d * d;
    }
    return Math.sqrt(sum / n);
  }

  /**
   * Multi-class: {@code p} holds {@code classes} probabilities per row, row-major; labels are
   * class indexes. Adds val_logloss (mean −log p of the true class) and val_accuracy (arg max).
   */
  static Map<String, Double> multiClass(float[] p, int classes, float[] labels, int n) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (n == 0) {
      return m;
    }
    double loss = 0;
    long right = 0;
    for (int i = 0; i < n; i++) {
      int y = (int) labels[i];
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (p[i * classes + c] > p[i * classes + best]) {
          best = c;
        }
      }
      if (best == y) {
        right++;
      }
      double q = y >= 0 && y < classes ? p[i * classes + y] : 0;
      loss -= Math.log(Math.max(EPS, q));
    }
    m.put(VAL_LOGLOSS, loss / n);
    m.put(VAL_ACCURACY, (double) right / n);
    return m;
  }
}
