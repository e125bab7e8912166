package trainyard.engine.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Format;
import trainyard.engine.data.Parsers;

class ImageGeneratorTest {
  private final ImageGenerator gen = new ImageGenerator(3);

  @Test
  void imagesHaveTenClassesAndPixelIds() {
    CsrBlock b = gen.block(0, 1000);
    int[] perClass = new int[10];
    for (int r = 0; r < b.rows; r++) {
      perClass[(int) b.labels[r]]++;
      for (int e = b.rowStart[r] + 1; e < b.rowStart[r + 1]; e++) {
        assertTrue(b.keys[e] > b.keys[e - 1]);
      }
    }
    for (int c = 0; c < 10; c++) {
      assertTrue(perClass[c] > 60, "class " + c + " has " + perClass[c] + " rows");
    }
    for (int e = 0; e < b.nonZeros(); e++) {
      assertTrue(b.keys[e] >= 1 && b.keys[e] <= 784);
      assertTrue(b.values[e] > 0 && b.values[e] <= 1);
    }
    assertTrue(b.nonZeros() > 100 * b.rows, "images are dense: " + b.nonZeros() / b.rows + " pixels a row");
    assertArrayEquals(b.values, new ImageGenerator(3).block(0, 1000).values);
  }

  @Test
  void classesCAndCPlusFiveHaveTheSameMeanImage() {
    // the XOR that defeats linear models: classes c and c+5 show the same halves, paired differently
    double[][] mean = new double[10][ImageGenerator.PIXELS];
    int[] count = new int[10];
    float[] img = new float[ImageGenerator.PIXELS];
    for (int r = 0; r < 6000; r++) {
      int label = gen.render(r, img);
      count[label]++;
      for (int p = 0; p < img.length; p++) {
        mean[label][p] += img[p];
      }
    }
    double same = 0;
    double other = 0;
    for (int p = 0; p < img.length; p++) {
      same += Math.abs(mean[0][p] / count[0] - mean[5][p] / count[5]);
      other += Math.abs(mean[0][p] / count[0] - mean[1][p] / count[1]);
    }
    assertTrue(same < 0.25 * other, "|mean0 - mean5| " + same + ", |mean0 - mean1| " + other);
  }

  @Test
  void libsvmOutputParsesBackToTheImages() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    gen.writeLibsvm(out, 10, 20);
    CsrBlock read = Parsers.parse(new StringReader(out.toString(StandardCharsets.US_ASCII)), Format.LIBSVM, 0);
    CsrBlock made = gen.block(10, 20);
    assertArrayEquals(made.labels, read.labels);
    assertEquals(20, read.rows);
    // values are written with 3 decimals, so pixels that round to 0 are left out of the file
    int j = 0;
    for (int e = 0; e < made.nonZeros(); e++) {
      if (Math.round(made.values[e] * 1000) == 0) {
        continue;
      }
      assertEquals(made.keys[e], read.keys[j]);
      assertEquals(made.values[e], read.values[j], 0.0005f);
      j++;
    }
    assertEquals(j, read.nonZeros());
  }
}
