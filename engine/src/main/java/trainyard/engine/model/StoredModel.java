package trainyard.engine.model;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.io.CheckedFile;

/**
 * A model that stays in its file ({@link Model#stored}): saved by copying the file, loaded into
 * the heap by its first prediction. A job's sparse model is written shard by shard and returned
 * so, since the whole of it may not fit the heap of the member that exports it. Thread-safe.
 */
final class StoredModel extends Model {
  private final Path file;
  private volatile Model loaded;

  StoredModel(Path file, ModelInfo info) {
    super(info);
    this.file = file;
  }

  @Override
  public void save(Path target) throws IOException {
    CheckedFile.copy(file, target);
  }

  @Override
  public float[] predict(CsrBlock rows) {
    return loaded().predict(rows);
  }

  @Override
  public int outputs() {
    return loaded().outputs();
  }

  @Override
  public String loss() {
    return loaded().loss();
  }

  @Override
  void writeBody(DataOutputStream out) throws IOException {
    loaded().writeBody(out);
  }

  private Model loaded() {
    Model m = loaded;
    if (m == null) {
      try {
        loaded = m = Model.load(file); // a racing second load reads the same file
      } catch (IOException e) {
        throw new UncheckedIOException("the model in " + file + " could not be read", e);
      }
    }
    return m;
  }
}
