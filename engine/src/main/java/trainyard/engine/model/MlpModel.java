package trainyard.engine.model;

import static trainyard.engine.io.CheckedFile.readString;
import static trainyard.engine.io.CheckedFile.writeString;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import trainyard.engine.data.CsrBlock;

/**
 * A dense MLP (see {@link MlpNet} for the parameter layout). Feature ids are input columns;
 * ids outside {@code [0, inputs)} are ignored. Immutable; predict is thread-safe (each call
 * uses its own buffers).
 */
public final class MlpModel extends Model {
  private static final int BATCH = 256;
  /** The longest float[] a JVM allocates. */
  private static final long MAX_PREDICTIONS = Integer.MAX_VALUE - 8;

  private final int[] sizes;
  private final boolean softmax;
  private final float[] w;

  MlpModel(ModelInfo info, int[] sizes, boolean softmax, float[] w) {
    super(info);
    this.sizes = sizes.clone();
    this.softmax = softmax;
    this.w = w;
  }

  @Override
  public String loss() {
    return softmax ? "softmax" : "logistic";
  }

  @Override
  public int outputs() {
    return softmax ? sizes[sizes.length - 1] : 1;
  }

  /** Input width, hidden sizes, output width. */
  public int[] sizes() {
    return sizes.clone();
  }

  @Override
  public float[] predict(CsrBlock rows) {
    return predict(rows, CpuCompute.INSTANCE);
  }

  /** Predictions computed on {@code compute}. */
  public float[] predict(CsrBlock rows, Compute compute) {
    int k = outputs();
    long n = (long) rows.rows * k;
    if (n > MAX_PREDICTIONS) {
      throw new IllegalArgumentException(rows.rows + " rows × " + k + " classes is " + n
          + " predictions, more than one array holds; predict fewer rows at a time");
    }
    float[] out = new float[(int) n];
    MlpNet net = new MlpNet(sizes, softmax, compute, Math.min(BATCH, Math.max(1, rows.rows)));
    for (int from = 0; from < rows.rows; from += BATCH) {
      int to = Math.min(rows.rows, from + BATCH);
      net.load(rows, null, from, to);
      float[] p = net.forward(w, to - from);
      System.arraycopy(p, 0, out, from * k, (to - from) * k);
    }
    return out;
  }

  @Override
  void writeBody(DataOutputStream out) throws IOException {
    writeString(out, loss());
    out.writeInt(sizes.length);
    for (int s : sizes) {
      out.writeInt(s);
    }
    out.writeInt(w.length);
    writeFloats(out, w, 0, w.length);
  }

  static MlpModel readBody(DataInputStream in, ModelInfo info) throws IOException {
    String loss = readString(in);
    if (!loss.equals("softmax") && !loss.equals("logistic")) {
      throw new IOException("mlp loss must be softmax or logistic, got '" + loss + "'");
    }
    int layers = readCount(in, "layer");
    if (layers < 2 || layers > 18) {
      throw new IOException("mlp must have 2..18 layer sizes, got " + layers);
    }
    int[] sizes = new int[layers];
    for (int i = 0; i < layers; i++) {
      sizes[i] = readCount(in, "layer size");
    }
    int n = readCount(in, "parameter");
    int expected = new MlpNet(sizes, true, CpuCompute.INSTANCE, 1).params;
    if (n != expected) {
      throw new IOException("mlp of sizes " + java.util.Arrays.toString(sizes) + " needs " + expected
          + " parameters, file has " + n);
    }
    return new MlpModel(info, sizes, loss.equals("softmax"), readFloats(in, n));
  }
}
