package trainyard.api.demo;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A small synthetic click-through dataset in libsvm: each row has a few of {@code features}
 * binary features; the label comes from a fixed hidden logistic model, so a learner can find
 * real signal. Deterministic for a seed. Stateless.
 */
public final class DemoData {
  private DemoData() {}

  public static byte[] libsvm(int rows, int features, int perRow, long seed) {
    Random random = new Random(seed);
    double[] weights = new double[features + 1];
    for (int f = 1; f <= features; f++) {
      weights[f] = random.nextGaussian() * 1.5;
    }
    StringBuilder out = new StringBuilder(rows * perRow * 6);
    boolean[] used = new boolean[features + 1];
    int[] chosen = new int[perRow];
    for (int r = 0; r < rows; r++) {
      double margin = -0.2;
      for (int k = 0; k < perRow; k++) {
        int f;
        do {
          f = 1 + random.nextInt(features);
        } while (used[f]);
        used[f] = true;
        chosen[k] = f;
        margin += weights[f];
      }
      java.util.Arrays.sort(chosen);
      int label = random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
      out.append(label);
      for (int k = 0; k < perRow; k++) {
        out.append(' ').append(chosen[k]).append(":1");
        used[chosen[k]] = false;
      }
      out.append('\n');
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
