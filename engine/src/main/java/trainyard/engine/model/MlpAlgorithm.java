package trainyard.engine.model;

import trainyard.engine.data.CsrBlock;
import trainyard.engine.optim.Optimizers;
import trainyard.engine.optim.WeightInit;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.Keys;
import trainyard.engine.ps.ParameterServer;
import trainyard.engine.ps.Updater;

/**
 * A dense MLP on the parameter server: the flat parameter vector is cut into chunks of
 * {@link #CHUNK} floats, chunk i under key i (value width {@code CHUNK}), spread over the servers
 * by {@link KeyRanges#dense}. Every minibatch pulls all chunks, runs forward/backward on a
 * {@link Compute} backend and pushes the gradient. Immutable and thread-safe.
 */
public final class MlpAlgorithm implements Algorithm {
  static final int CHUNK = 128;

  private final int[] sizes;
  private final boolean softmax;
  private final Updater updater;
  private final Compute compute;
  private final int maxRows;
  private final int params;
  private final int chunks;
  private final long seed;

  /**
   * @param sizes   input width, hidden layer sizes, output width (classes, or 1 for logistic)
   * @param softmax softmax output over {@code sizes[last]} classes, else one logistic unit
   */
  public MlpAlgorithm(int[] sizes, boolean softmax, String optimizer, double learningRate, double l1, double l2,
      Compute compute, int maxRows, long seed) {
    this.sizes = sizes.clone();
    this.softmax = softmax;
    this.compute = compute;
    this.maxRows = maxRows;
    this.seed = seed;
    MlpNet shape = new MlpNet(sizes, softmax, compute, 1);
    this.params = shape.params;
    this.chunks = (params + CHUNK - 1) / CHUNK;
    WeightInit init = (key, w, off, width) -> {
      for (int j = 0; j < width; j++) {
        long p = key * CHUNK + j;
        w[off + j] = p < params ? shape.initialValue((int) p, Keys.unit(p, seed)) : 0f;
      }
    };
    this.updater = Optimizers.create(optimizer, CHUNK, learningRate, l1, l2, init);
  }

  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public KeyRanges keyRanges(int servers) {
    return KeyRanges.dense(chunks, servers);
  }

  @Override
  public Updater newUpdater() {
    return updater;
  }

  @Override
  public long expectedKeys() {
    return chunks;
  }

  @Override
  public BatchCompute newCompute() {
    return new Worker();
  }

  @Override
  public Model export(ParameterServer ps, ModelInfo info) {
    float[] w = new float[chunks * CHUNK];
    // Chunks never pushed (no minibatch ran yet) hold their initial values.
    float[] state = new float[updater.stateWidth()];
    for (int key = 0; key < chunks; key++) {
      java.util.Arrays.fill(state, 0f);
      updater.init(key, state, 0);
      updater.read(key, state, 0, w, key * CHUNK);
    }
    ps.forEach((key, vals) -> System.arraycopy(vals, 0, w, (int) key * CHUNK, CHUNK));
    return new MlpModel(info.withKeys(chunks), sizes, softmax, java.util.Arrays.copyOf(w, params));
  }

  /** Per-worker buffers; not thread-safe. */
  final class Worker implements BatchCompute {
    private final MlpNet net = new MlpNet(sizes, softmax, compute, maxRows);
    private final long[] keys = new long[chunks];
    private final float[] pull = new float[chunks * CHUNK];
    private final float[] push = new float[chunks * CHUNK];
    private CsrBlock block;
    private int[] order;
    private int from;
    private int to;

    Worker() {
      for (int i = 0; i < chunks; i++) {
        keys[i] = i;
      }
    }

    @Override
    public int prepare(CsrBlock block, int[] order, int from, int to) {
      if (to - from > maxRows) {
        throw new IllegalArgumentException("minibatch of " + (to - from) + " rows exceeds " + maxRows);
      }
      this.block = block;
      this.order = order;
      this.from = from;
      this.to = to;
      return chunks;
    }

    @Override
    public long[] keys() {
      return keys;
    }

    @Override
    public float[] pullBuffer() {
      return pull;
    }

    @Override
    public float[] pushBuffer() {
      return push;
    }

    @Override
    public double gradient() {
      int rows = to - from;
      net.load(block, order, from, to);
      net.forward(pull, rows);
      return net.backward(pull, block.labels, order, from, rows, push);
    }
  }
}
