package trainyard.executor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestOptions;

/** Small datasets made with the engine's own ingest. */
final class TestData {
  private TestData() {}

  /**
   * {@code rows} libsvm rows of 5 features out of 1..50; the label is 1 when more of them are
   * below 26 than above, so a linear model separates it well. Fixed seed.
   */
  static String libsvm(int rows, long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      int[] features = new int[5];
      int low = 0;
      for (int i = 0; i < features.length; i++) {
        int f;
        boolean fresh;
        do {
          f = 1 + random.nextInt(50);
          fresh = true;
          for (int j = 0; j < i; j++) {
            fresh &= features[j] != f;
          }
        } while (!fresh);
        features[i] = f;
        low += f <= 25 ? 1 : 0;
      }
      java.util.Arrays.sort(features);
      sb.append(low >= 3 ? "1" : "0");
      for (int f : features) {
        sb.append(' ').append(f).append(":1");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Ingests {@link #libsvm} rows into {@code dir} (small shards, so workers share them). */
  static Path dataset(Path dir, int rows, long seed) throws IOException {
    Ingest.ingest(new ByteArrayInputStream(libsvm(rows, seed).getBytes(StandardCharsets.UTF_8)),
        Format.LIBSVM, dir, IngestOptions.defaults().withRowsPerShard(100));
    return dir;
  }

  /** A logistic regression spec; {@code epochs} sets how long it runs. */
  static String spec(int epochs, int batchSize) {
    return "{\"name\":\"test\",\"algorithm\":\"linear\",\"dataset\":\"ds\",\"validation\":{\"fraction\":0.2},"
        + "\"params\":{\"loss\":\"logistic\",\"optimizer\":\"ftrl\",\"learningRate\":0.5,\"epochs\":" + epochs
        + ",\"batchSize\":" + batchSize + "},\"resources\":{\"workers\":2,\"servers\":1,\"gpus\":0}}";
  }
}
