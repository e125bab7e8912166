package trainyard.engine.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import trainyard.engine.ps.Keys;
import trainyard.engine.ps.Updater;

/**
 * Factorization-machine state on a server (DiFacto, WSDM 2016), memory-adaptive: every key has a
 * linear weight kept by the job's optimizer; a key gets a {@code dim}-float embedding (AdaGrad)
 * only once it occurred {@code threshold} times and its linear weight is non-zero, and the
 * embedding reads as zero, and is not updated, while the linear weight is zero.
 *
 * <p>Record: the linear updater's state, then the occurrence count, then the embedding's slot in
 * this shard's arena (raw int bits; -1: none). Push: [count, g_w, g_V(dim)]; pull: [w, V(dim)].
 *
 * <p>Not thread-safe: it owns the arena, so create one per server shard.
 */
public final class FmUpdater implements Updater {
  private static final long BIAS_KEY = Keys.mix(Keys.BIAS_FEATURE);
  private static final float INIT_SCALE = 0.01f;
  private static final int NONE = -1;

  private final Updater linear;
  private final int linearWidth;
  private final int dim;
  private final int threshold;
  private final float eta;
  /** Per embedding: V (dim floats) then AdaGrad's Σ g² (dim floats). */
  private float[] arena;
  private int embeddings;

  public FmUpdater(Updater linear, int dim, int threshold, double learningRate) {
    if (linear.pullWidth() != 1 || linear.pushWidth() != 1) {
      throw new IllegalArgumentException("the linear part must have width 1, got " + linear.pullWidth());
    }
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    this.linear = linear;
    this.linearWidth = linear.stateWidth();
    this.dim = dim;
    this.threshold = Math.max(threshold, 0);
    this.eta = (float) learningRate;
    this.arena = new float[2 * dim * 64];
  }

  @Override
  public int stateWidth() {
    return linearWidth + 2;
  }

  @Override
  public int pullWidth() {
    return 1 + dim;
  }

  @Override
  public int pushWidth() {
    return 2 + dim;
  }

  @Override
  public void init(long key, float[] state, int off) {
    linear.init(key, state, off);
    state[off + linearWidth] = 0f;
    state[off + linearWidth + 1] = Float.intBitsToFloat(NONE);
  }

  // count ← count + c;  w by the linear optimizer from g_w;
  // allocate V ~ U(−0.01, 0.01) (seeded by the key) once count ≥ threshold and w ≠ 0;
  // while w ≠ 0:  n ← n + g_V²;  V ← V − η · rate · g_V / (√n + ε)   (AdaGrad, per coordinate)
  @Override
  public void apply(long key, float[] grad, int goff, float[] state, int off, float rate) {
    int cOff = off + linearWidth;
    state[cOff] += grad[goff];
    linear.apply(key, grad, goff + 1, state, off, rate);
    if (state[off] == 0f || key == BIAS_KEY) {
      return;
    }
    int slot = Float.floatToRawIntBits(state[cOff + 1]);
    if (slot == NONE) {
      if (state[cOff] < threshold) {
        return;
      }
      slot = allocate(key);
      state[cOff + 1] = Float.intBitsToFloat(slot);
    }
    float[] a = arena;
    float lr = eta * rate;
    int v = slot * 2 * dim;
    int n = v + dim;
    int g = goff + 2;
    for (int f = 0; f < dim; f++) {
      float gf = grad[g + f];
      float acc = a[n + f] + gf * gf;
      a[n + f] = acc;
      a[v + f] -= lr * gf / ((float) Math.sqrt(acc) + AdaGradUpdater.EPS);
    }
  }

  @Override
  public void read(long key, float[] state, int off, float[] out, int ooff) {
    float w = state[off];
    out[ooff] = w;
    int slot = Float.floatToRawIntBits(state[off + linearWidth + 1]);
    if (slot == NONE || w == 0f) {
      Arrays.fill(out, ooff + 1, ooff + 1 + dim, 0f);
    } else {
      System.arraycopy(arena, slot * 2 * dim, out, ooff + 1, dim);
    }
  }

  private int allocate(long key) {
    int slot = embeddings++;
    if ((long) embeddings * 2 * dim > arena.length) {
      arena = Arrays.copyOf(arena, (int) Math.min(Integer.MAX_VALUE - 8, (long) arena.length * 2));
    }
    int v = slot * 2 * dim;
    for (int f = 0; f < dim; f++) {
      arena[v + f] = (2f * Keys.unit(key, f + 1) - 1f) * INIT_SCALE;
    }
    return slot;
  }

  /** Keys that hold an embedding. */
  public int embeddings() {
    return embeddings;
  }

  @Override
  public long extraBytes() {
    return 4L * embeddings * 2 * dim;
  }

  @Override
  public void saveExtra(DataOutput out) throws IOException {
    out.writeInt(embeddings);
    for (int i = 0; i < embeddings * 2 * dim; i++) {
      out.writeInt(Float.floatToRawIntBits(arena[i]));
    }
  }

  @Override
  public void loadExtra(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("embedding count " + n + " is negative");
    }
    arena = new float[Math.max(2 * dim * 64, n * 2 * dim)];
    for (int i = 0; i < n * 2 * dim; i++) {
      arena[i] = Float.intBitsToFloat(in.readInt());
    }
    embeddings = n;
  }
}
