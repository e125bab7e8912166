package trainyard.engine.model;

import static trainyard.engine.io.CheckedFile.writeString;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import trainyard.engine.io.CheckedFile;
import trainyard.engine.ps.KeyValues;

/**
 * Writes a linear or FM model's file (docs/MODEL-FORMAT.md) from the servers' state one shard at
 * a time, so that an export needs the heap of one shard, not of the model: rank 0 exports the
 * whole model while holding only its share of the servers, and a model larger than any one
 * member's heap is still written. The format's sections (keys, weights, embeddings) each follow
 * their count, so they are spooled to files beside the model while the shards go by, then copied
 * into it behind the counts. Shards come in ascending key ranges ({@link KeyValues#shards}) and
 * each is sorted on its own, so the keys come out ascending. Stateless.
 */
final class SparseModelFile {
  private SparseModelFile() {}

  /**
   * Writes {@code values} to {@code file} and returns the model stored there.
   *
   * @param dim 0 for a linear model (one float a key: w), else the FM's (1 + dim floats: w, V;
   *            an all-zero V is no embedding)
   */
  static Model write(Path file, ModelInfo info, String loss, int dim, KeyValues values) throws IOException {
    int width = 1 + dim;
    if (values.pullWidth() != width) {
      throw new IllegalArgumentException("a model of dim " + dim + " takes " + width + " floats a key, the servers hold "
          + values.pullWidth());
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    String name = file.getFileName().toString();
    Path keys = Files.createTempFile(dir, name, ".keys.tmp");
    Path weights = Files.createTempFile(dir, name, ".w.tmp");
    Path positions = Files.createTempFile(dir, name, ".positions.tmp");
    Path embeddings = Files.createTempFile(dir, name, ".v.tmp");
    try {
      long n = 0;
      long m = 0;
      try (DataOutputStream k = spool(keys); DataOutputStream w = spool(weights);
          DataOutputStream p = spool(positions); DataOutputStream v = spool(embeddings)) {
        long last = Long.MIN_VALUE;
        for (KeyValues shard : values.shards()) {
          SparseExport e = new SparseExport(shard);
          int count = e.keys.length;
          if (count == 0) {
            continue;
          }
          if (n > 0 && e.keys[0] <= last) {
            throw new IllegalStateException("the servers' shards are not in ascending key ranges: key " + e.keys[0]
                + " follows " + last);
          }
          if (n + count > Integer.MAX_VALUE - 8) {
            throw new IOException("more than " + (Integer.MAX_VALUE - 8) + " keys are too many for one model file");
          }
          for (int i = 0; i < count; i++) {
            k.writeLong(e.keys[i]);
            int o = i * width;
            Model.writeFloats(w, e.values, o, 1);
            if (embedded(e.values, o + 1, dim)) {
              p.writeInt((int) (n + i));
              Model.writeFloats(v, e.values, o + 1, dim);
              m++;
            }
          }
          n += count;
          last = e.keys[count - 1];
        }
      }
      int keyCount = (int) n;
      int embeddedCount = (int) m;
      ModelInfo stored = info.withKeys(n);
      CheckedFile.write(file, Model.MAGIC, out -> {
        Model.writeHeader(out, stored);
        writeString(out, loss);
        if (dim > 0) {
          out.writeInt(dim);
        }
        out.writeInt(keyCount);
        Files.copy(keys, out);
        Files.copy(weights, out);
        if (dim > 0) {
          out.writeInt(embeddedCount);
          Files.copy(positions, out);
          Files.copy(embeddings, out);
        }
      });
      return new StoredModel(file, stored);
    } finally {
      Files.deleteIfExists(keys);
      Files.deleteIfExists(weights);
      Files.deleteIfExists(positions);
      Files.deleteIfExists(embeddings);
    }
  }

  private static boolean embedded(float[] values, int from, int dim) {
    for (int f = 0; f < dim; f++) {
      if (values[from + f] != 0f) {
        return true;
      }
    }
    return false;
  }

  private static DataOutputStream spool(Path file) throws IOException {
    return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
  }
}
