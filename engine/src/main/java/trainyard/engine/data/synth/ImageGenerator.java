package trainyard.engine.data.synth;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.CsrBuilder;
import trainyard.engine.data.FeatureHash;

/**
 * Dense, Fashion-MNIST-like data: 28×28 grey images (784 features, ids 1..784, values in (0, 1],
 * zeros left out) in 10 classes, labels 0..9.
 *
 * <p>An image is two parts: its top half shows one of 10 smooth templates {@code T_i}, its bottom
 * half one of 2 templates {@code S_j}, each shifted by up to a pixel, scaled in brightness and
 * noised. The class is {@code (i + 5j) mod 10}: neither half decides it alone, and no linear
 * function of the pixels can (the classes {@code i} and {@code i+5} swap with {@code j}, an XOR),
 * while one hidden layer can. So an MLP should clearly beat a linear model here, as on the real
 * Fashion-MNIST.
 *
 * <p>Row {@code r} depends only on (seed, r). Immutable and thread-safe.
 */
public final class ImageGenerator {
  public static final int SIDE = 28;
  public static final int PIXELS = SIDE * SIDE;
  public static final int CLASSES = 10;
  private static final float NOISE = 0.3f;
  private static final float CUTOFF = 0.05f;

  private final long seed;
  private final float[][] top = new float[CLASSES][];
  private final float[][] bottom = new float[2][];

  public ImageGenerator(long seed) {
    this.seed = seed;
    Random r = new Random(seed);
    for (int i = 0; i < CLASSES; i++) {
      top[i] = blobs(r, 0, SIDE / 2);
    }
    for (int j = 0; j < 2; j++) {
      bottom[j] = blobs(r, SIDE / 2, SIDE);
    }
  }

  /** Three to five Gaussian bumps placed in rows {@code y0 .. y1-1}, scaled to a peak of 1. */
  private static float[] blobs(Random r, int y0, int y1) {
    float[] img = new float[PIXELS];
    int n = 3 + r.nextInt(3);
    for (int b = 0; b < n; b++) {
      double cx = 4 + r.nextDouble() * (SIDE - 8);
      double cy = y0 + 2 + r.nextDouble() * (y1 - y0 - 4);
      double sx = 1.5 + r.nextDouble() * 3;
      double sy = 1 + r.nextDouble() * 2.5;
      for (int y = y0; y < y1; y++) {
        for (int x = 0; x < SIDE; x++) {
          double dx = (x - cx) / sx;
          double dy = (y - cy) / sy;
          img[y * SIDE + x] += (float) Math.exp(-(dx * dx + dy * dy) / 2);
        }
      }
    }
    float max = 0;
    for (float v : img) {
      max = Math.max(max, v);
    }
    for (int p = 0; p < PIXELS; p++) {
      img[p] /= max;
    }
    return img;
  }

  /** Rows {@code first .. first+rows-1}: keys 1..784 ascending, labels 0..9. */
  public CsrBlock block(long first, int rows) {
    CsrBuilder out = new CsrBuilder(false, rows, rows * 300);
    float[] pixels = new float[PIXELS];
    for (int r = 0; r < rows; r++) {
      int label = render(first + r, pixels);
      for (int p = 0; p < PIXELS; p++) {
        if (pixels[p] > 0) {
          out.add(p + 1, pixels[p]);
        }
      }
      out.endRow(label);
    }
    return out.build();
  }

  /** Writes rows as libsvm, values with 3 decimals. */
  public void writeLibsvm(OutputStream out, long first, long rows) throws IOException {
    byte[] buf = new byte[1 << 16];
    int pos = 0;
    float[] pixels = new float[PIXELS];
    for (long row = first; row < first + rows; row++) {
      int label = render(row, pixels);
      if (pos + 12 * PIXELS + 8 > buf.length) {
        out.write(buf, 0, pos);
        pos = 0;
      }
      buf[pos++] = (byte) ('0' + label);
      for (int p = 0; p < PIXELS; p++) {
        int milli = Math.round(pixels[p] * 1000);
        if (milli == 0) {
          continue;
        }
        buf[pos++] = ' ';
        pos = writeInt(buf, pos, p + 1);
        buf[pos++] = ':';
        if (milli >= 1000) {
          buf[pos++] = '1';
        } else {
          buf[pos++] = '0';
          buf[pos++] = '.';
          buf[pos++] = (byte) ('0' + milli / 100);
          buf[pos++] = (byte) ('0' + milli / 10 % 10);
          buf[pos++] = (byte) ('0' + milli % 10);
        }
      }
      buf[pos++] = '\n';
    }
    out.write(buf, 0, pos);
  }

  private static int writeInt(byte[] buf, int pos, int v) {
    int digits = v >= 100 ? 3 : v >= 10 ? 2 : 1;
    for (int i = pos + digits - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return pos + digits;
  }

  /** Draws row {@code row} into {@code pixels} (values in [0, 1], 0 below the cutoff); returns its class. */
  int render(long row, float[] pixels) {
    long state = FeatureHash.mix(seed ^ FeatureHash.mix(row + 0x2545F4914F6CDD1DL));
    state += 0x9E3779B97F4A7C15L;
    long h = FeatureHash.mix(state);
    int label = (int) ((h >>> 33) % CLASSES);
    int j = (int) ((h >>> 20) & 1);
    int i = (label + 5 * j) % CLASSES;
    int shiftX = (int) ((h >>> 8) % 3) - 1;
    int shiftY = (int) ((h >>> 12) % 3) - 1;
    float brightness = 0.7f + 0.6f * (float) (((h >>> 40) & 0xFFFF) / 65536.0);
    float[] t = top[i];
    float[] s = bottom[j];
    for (int y = 0; y < SIDE; y++) {
      int sy = y - shiftY;
      for (int x = 0; x < SIDE; x++) {
        int sx = x - shiftX;
        float v = 0;
        if (sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE) {
          int p = sy * SIDE + sx;
          v = (sy < SIDE / 2 ? t[p] : s[p]) * brightness;
        }
        state += 0x9E3779B97F4A7C15L;
        long n = FeatureHash.mix(state);
        // noise: sum of two uniforms, triangular on [-NOISE, NOISE]
        float noise = NOISE * ((float) ((n >>> 40) / (double) (1L << 24)) + (float) ((n & 0xFFFFFF) / (double) (1 << 24)) - 1);
        v += noise;
        v = v < CUTOFF ? 0 : Math.min(v, 1f);
        pixels[y * SIDE + x] = v;
      }
    }
    return label;
  }
}
