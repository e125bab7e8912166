package trainyard.engine.model;

import java.io.IOException;
import java.nio.file.Path;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.optim.Optimizers;
import trainyard.engine.optim.WeightInit;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.KeyValues;
import trainyard.engine.ps.Keys;
import trainyard.engine.ps.Updater;

/**
 * A dense MLP on the parameter server: the flat parameter vector is cut into chunks of
 * {@link #CHUNK} floats, chunk i under key i (value width {@code CHUNK}), spread over the servers
 * by {@link KeyRanges#dense}. Every minibatch pulls all chunks, runs forward/backward on the CPU
 * ({@link CpuCompute}) or on an {@link Accelerator}'s device, and pushes the gradient. Immutable
 * and thread-safe.
 */
public final class MlpAlgorithm implements Algorithm {
  static final int CHUNK = 128;

  private final int[] sizes;
  private final boolean softmax;
  private final Updater updater;
  private final Accelerator accelerator;
  private final int maxRows;
  private final int params;
  private final int chunks;
  private final long seed;

  /**
   * @param sizes       input width, hidden layer sizes, output width (classes, or 1 for logistic)
   * @param softmax     softmax output over {@code sizes[last]} classes, else one logistic unit
   * @param accelerator where the workers' passes run, or null: the CPU
   */
  public MlpAlgorithm(int[] sizes, boolean softmax, String optimizer, double learningRate, double l1, double l2,
      Accelerator accelerator, int maxRows, long seed) {
    this.sizes = sizes.clone();
    this.softmax = softmax;
    this.accelerator = accelerator;
    this.maxRows = maxRows;
    this.seed = seed;
    MlpNet shape = new MlpNet(sizes, softmax, CpuCompute.INSTANCE, 1);
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
    return accelerator == null ? new CpuWorker() : new DeviceWorker(accelerator.mlp(sizes, softmax, maxRows));
  }

  @Override
  public Model export(KeyValues values, ModelInfo info, Path file) throws IOException {
    float[] w = new float[chunks * CHUNK];
    // Chunks never pushed (no minibatch ran yet) hold their initial values.
    float[] state = new float[updater.stateWidth()];
    for (int key = 0; key < chunks; key++) {
      java.util.Arrays.fill(state, 0f);
      updater.init(key, state, 0);
      updater.read(key, state, 0, w, key * CHUNK);
    }
    values.forEach((key, vals) -> System.arraycopy(vals, 0, w, (int) key * CHUNK, CHUNK));
    return new MlpModel(info.withKeys(chunks), sizes, softmax, java.util.Arrays.copyOf(w, params));
  }

  /** Per-worker buffers; not thread-safe. */
  private abstract class Worker implements BatchCompute {
    private final long[] keys = new long[chunks];
    final float[] pull = new float[chunks * CHUNK];
    final float[] push = new float[chunks * CHUNK];
    CsrBlock block;
    int[] order;
    int from;
    int to;

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
  }

  private final class CpuWorker extends Worker {
    private final MlpNet net = new MlpNet(sizes, softmax, CpuCompute.INSTANCE, maxRows);

    @Override
    public double gradient() {
      int rows = to - from;
      net.load(block, order, from, to);
      net.forward(pull, rows);
      return net.backward(pull, block.labels, order, from, rows, push);
    }
  }

  /** Densifies the rows on the host; the pass keeps everything else on the device. */
  private final class DeviceWorker extends Worker {
    private final Accelerator.MlpPass pass;
    private final float[] x = new float[maxRows * sizes[0]];
    private final float[] labels = new float[maxRows];

    DeviceWorker(Accelerator.MlpPass pass) {
      this.pass = pass;
    }

    @Override
    public double gradient() {
      int rows = to - from;
      MlpNet.densify(block, order, from, to, sizes[0], x);
      for (int i = 0; i < rows; i++) {
        labels[i] = block.labels[order == null ? from + i : order[from + i]];
      }
      return pass.gradient(pull, x, labels, rows, push);
    }
  }
}
