package trainyard.engine.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
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
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, FILE, ".tmp");
    try {
      // Temporary files are owner-only; the renamed file is an artifact other services read.
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // Keep the platform's default.
    }
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream raw = Channels.newOutputStream(ch);
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
        out.write(MAGIC);
        writeString(out, fingerprint);
        out.writeInt(progress.epochsDone());
        out.writeLong(progress.steps());
        out.writeInt(progress.metrics().size());
        for (Map.Entry<String, Double> e : progress.metrics().entrySet()) {
          writeString(out, e.getKey());
          out.writeDouble(e.getValue());
        }
        ps.save(out);
        out.flush();
        new DataOutputStream(raw).writeInt((int) crc.getValue());
        ch.force(true);
      }
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Restores the servers from {@code dir}'s checkpoint and returns its progress, or null if none. */
  static Progress load(Path dir, String fingerprint, ParameterServer ps) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return null;
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      CRC32 crc = new CRC32();
      DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + " is not a Trainyard checkpoint");
      }
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
      int expected = (int) crc.getValue();
      if (new DataInputStream(raw).readInt() != expected || raw.read() != -1) {
        throw new IOException(file + " is corrupt (checksum mismatch or trailing bytes)");
      }
      return new Progress(epochs, steps, metrics);
    } catch (EOFException e) {
      throw new IOException(file + " is truncated", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (64 << 20)) {
      throw new IOException("string length " + n + " out of range");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
