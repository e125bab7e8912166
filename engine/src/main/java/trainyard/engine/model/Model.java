package trainyard.engine.model;

import static trainyard.engine.io.CheckedFile.readString;
import static trainyard.engine.io.CheckedFile.writeString;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.io.CheckedFile;
import trainyard.engine.metrics.MetricsAccumulator;

/**
 * A trained model: predictions, provenance and its file (docs/MODEL-FORMAT.md).
 *
 * <p>Immutable; {@link #predict} is safe to call from many threads at once.
 */
public abstract class Model {
  static final byte[] MAGIC = {'T', 'Y', 'M', 'O', 'D', 'E', 'L', '\n'};
  static final int FORMAT_VERSION = 1;
  private static final String WHAT = "Trainyard model file";

  private final ModelInfo info;

  Model(ModelInfo info) {
    this.info = info;
  }

  public ModelInfo info() {
    return info;
  }

  /**
   * Predictions for every row: {@link #outputs()} floats per row, row-major. Probabilities for
   * logistic and softmax outputs, σ(margin) for hinge, the raw value for squared loss.
   */
  public abstract float[] predict(CsrBlock rows);

  /** Floats per row that {@link #predict} returns: 1, or the class count of a softmax model. */
  public int outputs() {
    return 1;
  }

  /** logistic, squared, hinge or softmax. */
  public abstract String loss();

  /** Validation metrics of these rows under the project's metric names. */
  public Map<String, Double> evaluate(CsrBlock rows) {
    MetricsAccumulator m = newMetrics();
    m.add(predict(rows), rows.labels, rows.rows);
    return m.result();
  }

  /**
   * An accumulator of this model's validation metrics, for rows predicted block by block: feed it
   * {@code predict(block)} and the block's labels, one block at a time.
   */
  public MetricsAccumulator newMetrics() {
    return new MetricsAccumulator(outputs(), "squared".equals(loss()));
  }

  /** Writes the model atomically: a temporary sibling, forced to disk, then renamed over {@code file}. */
  public void save(Path file) throws IOException {
    CheckedFile.write(file, MAGIC, out -> {
      writeHeader(out, info);
      writeBody(out);
    });
  }

  static void writeHeader(DataOutputStream out, ModelInfo info) throws IOException {
    out.writeInt(FORMAT_VERSION);
    writeString(out, info.algorithm());
    out.writeLong(info.keys());
    out.writeInt(info.hashBits());
    writeString(out, info.specJson());
    writeString(out, info.datasetChecksum());
    out.writeLong(info.seed());
    writeString(out, info.engineVersion());
  }

  /** Reads a model file; throws IOException naming the file when it is not a valid model. */
  public static Model load(Path file) throws IOException {
    return CheckedFile.read(file, MAGIC, WHAT, in -> {
      ModelInfo info = readHeader(file, in);
      return switch (info.algorithm()) {
        case "linear" -> LinearModel.readBody(in, info);
        case "fm" -> FmModel.readBody(in, info);
        case "mlp" -> MlpModel.readBody(in, info);
        default -> throw new IOException(file + " holds an unknown algorithm '" + info.algorithm() + "'");
      };
    });
  }

  /**
   * The model in {@code file}, left there until a prediction needs its weights: what a job
   * returns, so that saving it is a copy of the file and never brings the model into the heap.
   * The file must stay until the model is saved or dropped.
   */
  public static Model stored(Path file) throws IOException {
    return new StoredModel(file, readInfo(file));
  }

  /**
   * A model file's header alone (docs/MODEL-FORMAT.md), its weights left unread: what the api
   * registers a model by, whatever its size. The body and checksum are checked by {@link #load}.
   */
  public static ModelInfo readInfo(Path file) throws IOException {
    return CheckedFile.readHead(file, MAGIC, WHAT, in -> readHeader(file, in));
  }

  private static ModelInfo readHeader(Path file, DataInputStream in) throws IOException {
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new IOException(file + " has model format version " + version + ", this engine reads " + FORMAT_VERSION);
    }
    return new ModelInfo(readString(in), in.readLong(), in.readInt(), readString(in), readString(in),
        in.readLong(), readString(in));
  }

  abstract void writeBody(DataOutputStream out) throws IOException;

  /** {@code a[off, off + n)} by their raw bits, so they load back bit-exactly. */
  static void writeFloats(DataOutputStream out, float[] a, int off, int n) throws IOException {
    for (int i = off; i < off + n; i++) {
      out.writeInt(Float.floatToRawIntBits(a[i]));
    }
  }

  static float[] readFloats(DataInputStream in, int n) throws IOException {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = Float.intBitsToFloat(in.readInt());
    }
    return a;
  }

  static int readCount(DataInputStream in, String what) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException(what + " count " + n + " is negative");
    }
    return n;
  }
}
