package trainyard.engine.model;

import static trainyard.engine.io.CheckedFile.readString;
import static trainyard.engine.io.CheckedFile.writeString;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.Keys;

/**
 * A linear model: margin = w_bias + Σ w[mix(id)] · x. Keys are parameter-server keys
 * ({@link Keys#mix} of feature ids), ascending; features without a key weigh 0.
 * Immutable and thread-safe.
 */
public final class LinearModel extends Model {
  private final Loss loss;
  private final long[] keys;
  private final float[] w;
  /** Built by the first predict: a model exported only to be saved never needs it. */
  private volatile KeyIndex index;

  public LinearModel(ModelInfo info, Loss loss, long[] keys, float[] w) {
    super(info.withKeys(keys.length));
    this.loss = loss;
    this.keys = keys;
    this.w = w;
  }

  private KeyIndex index() {
    KeyIndex i = index;
    if (i == null) {
      index = i = new KeyIndex(keys, keys.length); // a racing second build is the same index
    }
    return i;
  }

  @Override
  public String loss() {
    return loss.specName();
  }

  public long[] keys() {
    return keys.clone();
  }

  public float[] weights() {
    return w.clone();
  }

  @Override
  public float[] predict(CsrBlock rows) {
    KeyIndex index = index();
    int b = index.find(Keys.mix(Keys.BIAS_FEATURE));
    float bias = b < 0 ? 0f : w[b];
    float[] out = new float[rows.rows];
    for (int r = 0; r < rows.rows; r++) {
      float m = bias;
      for (int e = rows.rowStart[r]; e < rows.rowStart[r + 1]; e++) {
        int i = index.find(Keys.mix(rows.keys[e]));
        if (i >= 0) {
          m += w[i] * rows.value(e);
        }
      }
      out[r] = loss.output(m);
    }
    return out;
  }

  @Override
  void writeBody(DataOutputStream out) throws IOException {
    writeString(out, loss.specName());
    out.writeInt(keys.length);
    for (long k : keys) {
      out.writeLong(k);
    }
    writeFloats(out, w, 0, w.length);
  }

  static LinearModel readBody(DataInputStream in, ModelInfo info) throws IOException {
    Loss loss = Loss.of(readString(in));
    int n = readCount(in, "key");
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = in.readLong();
    }
    return new LinearModel(info, loss, keys, readFloats(in, n));
  }
}
