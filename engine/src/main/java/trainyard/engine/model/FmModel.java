package trainyard.engine.model;

import static trainyard.engine.io.CheckedFile.readString;
import static trainyard.engine.io.CheckedFile.writeString;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.Keys;

/**
 * A factorization machine (Rendle 2010):
 * m = w_bias + Σ_i w_i x_i + ½ Σ_f [(Σ_i V_if x_i)² − Σ_i V_if² x_i²].
 * Only keys that earned an embedding store one (memory-adaptive). Immutable and thread-safe.
 */
public final class FmModel extends Model {
  private final Loss loss;
  private final int dim;
  private final long[] keys;
  private final float[] w;
  private final int[] embedded;
  private final float[] v;
  /** Built by the first predict: a model exported only to be saved never needs it. */
  private volatile Lookup lookup;

  /** A key's position, and per position its row in {@link #v} or -1. */
  private record Lookup(KeyIndex index, int[] embedding) {}

  FmModel(ModelInfo info, Loss loss, int dim, long[] keys, float[] w, int[] embedded, float[] v) {
    super(info.withKeys(keys.length));
    this.loss = loss;
    this.dim = dim;
    this.keys = keys;
    this.w = w;
    this.embedded = embedded;
    this.v = v;
  }

  private Lookup lookup() {
    Lookup l = lookup;
    if (l == null) {
      int[] embedding = new int[keys.length];
      java.util.Arrays.fill(embedding, -1);
      for (int j = 0; j < embedded.length; j++) {
        embedding[embedded[j]] = j;
      }
      lookup = l = new Lookup(new KeyIndex(keys, keys.length), embedding); // a racing second build is the same
    }
    return l;
  }

  @Override
  public String loss() {
    return loss.specName();
  }

  public int dim() {
    return dim;
  }

  /** Keys that hold an embedding. */
  public int embeddings() {
    return embedded.length;
  }

  @Override
  public float[] predict(CsrBlock rows) {
    Lookup l = lookup();
    KeyIndex index = l.index;
    int[] embedding = l.embedding;
    int b = index.find(Keys.mix(Keys.BIAS_FEATURE));
    float bias = b < 0 ? 0f : w[b];
    float[] out = new float[rows.rows];
    float[] s = new float[dim];
    for (int r = 0; r < rows.rows; r++) {
      float m = bias;
      float sq = 0f;
      java.util.Arrays.fill(s, 0f);
      for (int e = rows.rowStart[r]; e < rows.rowStart[r + 1]; e++) {
        int i = index.find(Keys.mix(rows.keys[e]));
        if (i < 0) {
          continue;
        }
        float x = rows.value(e);
        m += w[i] * x;
        int j = embedding[i];
        if (j >= 0) {
          for (int f = 0; f < dim; f++) {
            float vx = v[j * dim + f] * x;
            s[f] += vx;
            sq += vx * vx;
          }
        }
      }
      float ss = 0f;
      for (int f = 0; f < dim; f++) {
        ss += s[f] * s[f];
      }
      out[r] = loss.output(m + 0.5f * (ss - sq));
    }
    return out;
  }

  @Override
  void writeBody(DataOutputStream out) throws IOException {
    writeString(out, loss.specName());
    out.writeInt(dim);
    out.writeInt(keys.length);
    for (long k : keys) {
      out.writeLong(k);
    }
    writeFloats(out, w, 0, w.length);
    out.writeInt(embedded.length);
    for (int p : embedded) {
      out.writeInt(p);
    }
    writeFloats(out, v, 0, v.length);
  }

  static FmModel readBody(DataInputStream in, ModelInfo info) throws IOException {
    Loss loss = Loss.of(readString(in));
    int dim = readCount(in, "dim");
    int n = readCount(in, "key");
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = in.readLong();
    }
    float[] w = readFloats(in, n);
    int m = readCount(in, "embedding");
    int[] embedded = new int[m];
    for (int j = 0; j < m; j++) {
      embedded[j] = in.readInt();
      if (embedded[j] < 0 || embedded[j] >= n) {
        throw new IOException("embedding position " + embedded[j] + " out of range [0, " + n + ")");
      }
    }
    return new FmModel(info, loss, dim, keys, w, embedded, readFloats(in, m * dim));
  }
}
