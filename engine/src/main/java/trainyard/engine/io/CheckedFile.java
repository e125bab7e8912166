package trainyard.engine.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Files written whole or not at all, and read back only when intact: a magic header, the body,
 * then a CRC32 of both. Model files and checkpoints use it. Stateless and thread-safe.
 */
public final class CheckedFile {
  private static final int MAX_STRING_BYTES = 64 << 20;

  /** Writes a file's body after the magic. */
  public interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  /** Reads a file's body after the magic. */
  public interface Parser<T> {
    T read(DataInputStream in) throws IOException;
  }

  private CheckedFile() {}

  /**
   * Writes {@code magic}, the body and the CRC32 to a temporary sibling, forces it to disk and
   * renames it over {@code file}: a reader sees the old file or the new one, never a part.
   */
  public static void write(Path file, byte[] magic, Body body) throws IOException {
    Path tmp = tempSibling(file);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream raw = Channels.newOutputStream(ch);
        CRC32 crc = new CRC32();
        // The buffer sits above the checksum, so the CRC sees 64 KB writes, not single bytes.
        CheckedOutputStream checked = new CheckedOutputStream(raw, crc);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checked, 1 << 16));
        out.write(magic);
        body.write(out);
        out.flush();
        DataOutputStream trailer = new DataOutputStream(raw);
        trailer.writeInt((int) crc.getValue());
        trailer.flush();
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Copies {@code from}, a file {@link #write} wrote, to {@code to} as {@link #write} writes: through a
   * temporary sibling forced to disk, then renamed; its checksum travels with it.
   */
  public static void copy(Path from, Path to) throws IOException {
    Path tmp = tempSibling(to);
    try {
      Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A new empty file beside {@code file}, to be renamed over it. */
  private static Path tempSibling(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      // Temporary files are owner-only; the renamed file is an artifact other services read.
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // Keep the platform's default.
    }
    return tmp;
  }

  /**
   * Reads {@code file} written by {@link #write}: checks the magic, parses the body, then checks
   * the CRC32 and that nothing follows it.
   *
   * @param what what the file should be, for the error ("Trainyard model file")
   * @throws IOException naming the file when it is not such a file, is truncated or corrupt
   */
  public static <T> T read(Path file, byte[] magic, String what, Parser<T> parser) throws IOException {
    try (InputStream raw = Files.newInputStream(file)) {
      long body = Files.size(file) - Integer.BYTES;
      if (body < magic.length) {
        checkMagic(raw, file, magic, what); // too short for a trailer: judged by what it starts with
        throw new IOException(file + " is truncated");
      }
      CRC32 crc = new CRC32();
      // The buffer sits above the checksum (the CRC sees 64 KB reads, not single bytes) and
      // stops where the trailer starts, so it never reads the trailer into the body's CRC.
      DataInputStream in = new DataInputStream(new BufferedInputStream(new CheckedInputStream(limit(raw, body), crc), 1 << 16));
      checkMagic(in, file, magic, what);
      T value = parser.read(in);
      if (in.read() != -1) {
        throw new IOException(file + " is corrupt (bytes after its body)");
      }
      int expected = (int) crc.getValue();
      if (new DataInputStream(raw).readInt() != expected || raw.read() != -1) {
        throw new IOException(file + " is corrupt (checksum mismatch or trailing bytes)");
      }
      return value;
    } catch (EOFException e) {
      throw new IOException(file + " is truncated", e);
    }
  }

  /**
   * Reads {@code magic}'s length from {@code in}: a file that starts otherwise is not a {@code
   * what}; one that ends within a matching start is truncated.
   */
  private static void checkMagic(InputStream in, Path file, byte[] magic, String what) throws IOException {
    byte[] head = in.readNBytes(magic.length);
    if (!Arrays.equals(head, 0, head.length, magic, 0, head.length)) {
      throw new IOException(file + " is not a " + what + " (bad magic)");
    }
    if (head.length < magic.length) {
      throw new IOException(file + " is truncated");
    }
  }

  /** The first {@code n} bytes of {@code in}; reads past them see the end. */
  private static InputStream limit(InputStream in, long n) {
    return new FilterInputStream(in) {
      private long left = Math.max(0, n);

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = in.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int got = in.read(b, off, (int) Math.min(len, left));
        if (got > 0) {
          left -= got;
        }
        return got;
      }
    };
  }

  /**
   * Reads the start of {@code file} written by {@link #write}: checks the magic and parses what
   * {@code parser} reads after it, leaving the rest unread (and so the CRC32 unchecked): a file's
   * header without its body.
   *
   * @throws IOException naming the file when it is not such a file or ends within the header
   */
  public static <T> T readHead(Path file, byte[] magic, String what, Parser<T> parser) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 13))) {
      checkMagic(in, file, magic, what);
      return parser.read(in);
    } catch (EOFException e) {
      throw new IOException(file + " is truncated", e);
    }
  }

  /** A length-prefixed UTF-8 string; null is written as "". */
  public static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  public static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_STRING_BYTES) {
      throw new IOException("string length " + n + " out of range");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
