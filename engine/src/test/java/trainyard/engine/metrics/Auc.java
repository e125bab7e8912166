package trainyard.engine.metrics;

import java.util.Arrays;

/** Exact ROC AUC. Stateless and thread-safe. */
public final class Auc {
  private Auc() {}

  /**
   * The Mann-Whitney statistic: the probability that a random positive scores above a random
   * negative, ties counting one half. Labels > 0 are positive. NaN when one class is absent.
   * Sorts once: O(n log n), one long per example and no boxing.
   */
  public static double exact(float[] scores, float[] labels, int n) {
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      packed[i] = ((long) sortableBits(scores[i]) << 32) | i;
    }
    Arrays.sort(packed);
    double rankSumPos = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int hi = (int) (packed[i] >>> 32);
      int j = i;
      int pos = 0;
      while (j < n && (int) (packed[j] >>> 32) == hi) {
        if (labels[(int) packed[j]] > 0) {
          pos++;
        }
        j++;
      }
      // Ranks i+1 .. j share their average.
      rankSumPos += pos * ((i + 1 + j) / 2.0);
      positives += pos;
      i = j;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSumPos - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Float bits flipped so that signed int order equals float order (NaN excluded). */
  private static int sortableBits(float f) {
    int bits = Float.floatToIntBits(f == 0f ? 0f : f);
    return bits >= 0 ? bits : bits ^ 0x7fffffff;
  }
}
