package trainyard.engine.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Validation metrics accumulated block by block, so validation data can be streamed: the result
 * equals {@link Evaluation#binary}, {@link Evaluation#multiClass} and {@link Evaluation#rmse} on
 * all the rows in one array, bit for bit (sums run in the same order; AUC is exact).
 *
 * <p>Memory: a few counters, plus for AUC the score of every row, as 4 sortable bytes in one array
 * for the positives and one for the negatives (no row index or label is kept). AUC is then the
 * Mann-Whitney count over the two sorted arrays, ties counting one half. Multi-class models keep
 * no per-row state.
 *
 * <p>Not thread-safe.
 */
public final class MetricsAccumulator {
  private static final double EPS = 1e-15;

  private final int outputs;
  private final boolean squared;
  private long n;
  private double logSum;
  private long right;
  private double squaredSum;
  /** Squared loss: whether every label so far is 0 or 1 (binary metrics are kept only then). */
  private boolean binary = true;
  private int[] positives = new int[64];
  private int positiveCount;
  private int[] negatives = new int[64];
  private int negativeCount;

  /**
   * @param outputs predictions per row: 1, or the class count of a softmax model
   * @param squared whether predictions are raw values (squared loss): binary metrics are then
   *                computed on them clipped to [0, 1], and only when every label is 0 or 1
   */
  public MetricsAccumulator(int outputs, boolean squared) {
    if (outputs < 1) {
      throw new IllegalArgumentException("outputs must be >= 1, got " + outputs);
    }
    this.outputs = outputs;
    this.squared = squared;
  }

  /** Adds rows 0..count of a block: {@code outputs} predictions per row in {@code p}, row-major. */
  public void add(float[] p, float[] labels, int count) {
    if (outputs > 1) {
      addMultiClass(p, labels, count);
      return;
    }
    if (squared) {
      for (int i = 0; i < count; i++) {
        double d = labels[i] - p[i];
        squaredSum += d * d;
        binary &= labels[i] == 0f || labels[i] == 1f;
      }
      if (!binary) {
        positives = null;
        negatives = null;
      }
    }
    if (!squared || binary) {
      for (int i = 0; i < count; i++) {
        float q = squared ? Math.min(1f, Math.max(0f, p[i])) : p[i];
        addBinary(q, labels[i] > 0);
      }
    }
    n += count;
  }

  // Per row: logloss −[y log q + (1−y) log(1−q)], q clipped to [1e-15, 1 − 1e-15]; right when (q ≥ 0.5) == y.
  private void addBinary(float p, boolean positive) {
    double q = Math.min(1 - EPS, Math.max(EPS, p));
    logSum -= positive ? Math.log(q) : Math.log(1 - q);
    if ((p >= 0.5f) == positive) {
      right++;
    }
    int bits = sortableBits(p);
    if (positive) {
      if (positiveCount == positives.length) {
        positives = Arrays.copyOf(positives, positiveCount * 2);
      }
      positives[positiveCount++] = bits;
    } else {
      if (negativeCount == negatives.length) {
        negatives = Arrays.copyOf(negatives, negativeCount * 2);
      }
      negatives[negativeCount++] = bits;
    }
  }

  private void addMultiClass(float[] p, float[] labels, int count) {
    int classes = outputs;
    for (int i = 0; i < count; i++) {
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
      logSum -= Math.log(Math.max(EPS, q));
    }
    n += count;
  }

  /** Rows added so far. */
  public long rows() {
    return n;
  }

  /**
   * The metrics under the project's names: val_logloss, val_auc (when both classes occur) and
   * val_accuracy for binary tasks; val_logloss and val_accuracy for multi-class; val_rmse, and
   * the binary ones if every label is 0 or 1, for squared loss. Empty when no row was added.
   */
  public Map<String, Double> result() {
    Map<String, Double> m = new LinkedHashMap<>();
    if (n == 0) {
      return m;
    }
    if (outputs > 1 || !squared || binary) {
      m.put(Evaluation.VAL_LOGLOSS, logSum / n);
      if (outputs == 1) {
        double auc = auc();
        if (!Double.isNaN(auc)) {
          m.put(Evaluation.VAL_AUC, auc);
        }
      }
      m.put(Evaluation.VAL_ACCURACY, (double) right / n);
    }
    if (squared && outputs == 1) {
      m.put(Evaluation.VAL_RMSE, Math.sqrt(squaredSum / n));
    }
    return m;
  }

  /**
   * U / (P·N), U = Σ over positives of (negatives scoring lower + ½ negatives scoring equal): the
   * same value as the rank sum over all scores at once (the tests' reference). NaN when a class is absent.
   */
  private double auc() {
    long p = positiveCount;
    long q = negativeCount;
    if (p == 0 || q == 0) {
      return Double.NaN;
    }
    int[] pos = Arrays.copyOf(positives, positiveCount);
    int[] neg = Arrays.copyOf(negatives, negativeCount);
    Arrays.sort(pos);
    Arrays.sort(neg);
    long twiceU = 0;
    int below = 0;
    int i = 0;
    while (i < pos.length) {
      int s = pos[i];
      int j = i;
      while (j < pos.length && pos[j] == s) {
        j++;
      }
      while (below < neg.length && neg[below] < s) {
        below++;
      }
      int equal = below;
      while (equal < neg.length && neg[equal] == s) {
        equal++;
      }
      twiceU += (long) (j - i) * (2L * below + (equal - below));
      i = j;
    }
    return (twiceU * 0.5) / ((double) p * q);
  }

  /** Float bits flipped so that signed int order equals float order. */
  private static int sortableBits(float f) {
    int bits = Float.floatToIntBits(f == 0f ? 0f : f);
    return bits >= 0 ? bits : bits ^ 0x7fffffff;
  }
}
