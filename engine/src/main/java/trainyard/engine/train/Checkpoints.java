package trainyard.engine.train;

import static trainyard.engine.io.CheckedFile.readString;
import static trainyard.engine.io.CheckedFile.writeString;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import trainyard.engine.io.CheckedFile;
import trainyard.engine.ps.ParameterServer;

/**
 * Epoch-boundary checkpoints: every server shard's records (optimizer state included) and the
 * job's progress, in one file {@code checkpoint.bin} under the job's checkpoint directory,
 * replaced atomically (temporary sibling, fsync, rename) so a crash leaves the previous one.
 * A checkpoint carries a fingerprint of the spec and dataset; resuming another job from it fails.
 *
 * <p>Layout (big-endian): magic {@code TYCKPT1\n}, fingerprint string, epochs done (int),
 * steps (long), metric count (int) then (name string, value double) pairs, the parameter server
 * ({@link ParameterServer#save}), CRC-32 of everything before (int). Strings are an int byte
 * length and UTF-8 bytes. Stateless.
 */
final class Checkpoints {
  static final String FILE = "checkpoint.bin";
  private static final byte[] MAGIC = "TYCKPT1\n".getBytes(StandardCharsets.US_ASCII);

  /** What the job had done when the checkpoint was taken. */
  record Progress(int epochsDone, long steps, Map<String, Double> metrics) {}

  private Checkpoints() {}

  static void save(Path dir, String fingerprint, Progress progress, ParameterServer ps) throws IOException {
    CheckedFile.write(dir.resolve(FILE), MAGIC, out -> {
      writeString(out, fingerprint);
      out.writeInt(progress.epochsDone());
      out.writeLong(progress.steps());
      out.writeInt(progress.metrics().size());
      for (Map.Entry<String, Double> e : progress.metrics().entrySet()) {
        writeString(out, e.getKey());
        out.writeDouble(e.getValue());
      }
      ps.save(out);
    });
  }

  /** Restores the servers from {@code dir}'s checkpoint and returns its progress, or null if none. */
  static Progress load(Path dir, String fingerprint, ParameterServer ps) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return null;
    }
    return CheckedFile.read(file, MAGIC, "Trainyard checkpoint", in -> {
      if (!fingerprint.equals(readString(in))) {
        throw new IOException(file + " was written for another job spec or dataset; delete it to start over");
      }
      int epochs = in.readInt();
      long steps = in.readLong();
      int n = in.readInt();
      Map<String, Double> metrics = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        metrics.put(readString(in), in.readDouble());
      }
      ps.load(in);
      return new Progress(epochs, steps, metrics);
    });
  }
}
