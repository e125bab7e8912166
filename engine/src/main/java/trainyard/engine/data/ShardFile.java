package trainyard.engine.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.zip.CRC32C;

/**
 * The binary shard format (docs/FORMATS.md), little-endian:
 *
 * <pre>
 *   "TYSH"  int32 version=1  int32 flags (1: values, 2: fields)  int32 rows  int64 nnz
 *   int32[rows+1] rowStart   int64[nnz] keys   [float32[nnz] values]   float32[rows] labels
 *   [int32[nnz] fields]      int32 CRC32C of every byte before it
 * </pre>
 *
 * Stateless and thread-safe.
 */
final class ShardFile {
  static final int MAGIC = 0x48535954; // "TYSH" read little-endian
  static final int VERSION = 1;
  static final int FLAG_VALUES = 1;
  static final int FLAG_FIELDS = 2;
  static final int HEADER = 24;
  private static final int CHUNK = 1 << 20;

  private ShardFile() {}

  /** What writing one shard produced. */
  record Written(long bytes, int crc) {}

  /**
   * Writes the builder's rows to {@code file} (created new) and feeds every byte to
   * {@code digest}; values are omitted when all are 1.
   */
  static Written write(Path file, CsrBuilder rows, MessageDigest digest) throws IOException {
    boolean values = !rows.allOnes;
    boolean fields = rows.withFields();
    int n = rows.rows;
    int nnz = rows.nnz;
    CRC32C crc = new CRC32C();
    // direct: bulk puts of primitive arrays become memory copies, and the channel writes it without another copy
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    long total = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      buf.putInt(MAGIC).putInt(VERSION).putInt((values ? FLAG_VALUES : 0) | (fields ? FLAG_FIELDS : 0))
          .putInt(n).putLong(nnz);
      Sink sink = new Sink(ch, buf, crc, digest);
      sink.ints(rows.rowStart, n + 1);
      sink.longs(rows.keys, nnz);
      if (values) {
        sink.floats(rows.values, nnz);
      }
      sink.floats(rows.labels, n);
      if (fields) {
        sink.ints(rows.fields, nnz);
      }
      sink.flush();
      int checksum = (int) crc.getValue();
      buf.putInt(checksum);
      buf.flip();
      digest.update(buf.duplicate());
      total = sink.written + buf.limit();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
      return new Written(total, checksum);
    }
  }

  /** Reads and verifies a whole shard. */
  static CsrBlock read(Path file) throws IOException {
    byte[] bytes;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER + 8 || size > Integer.MAX_VALUE - 16) {
        throw corrupt(file, "its size " + size + " bytes is impossible for a shard");
      }
      bytes = new byte[(int) size];
      ByteBuffer dst = ByteBuffer.wrap(bytes);
      while (dst.hasRemaining()) {
        if (ch.read(dst) < 0) {
          throw corrupt(file, "it ended early");
        }
      }
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = in.getInt(bytes.length - 4);
    if ((int) crc.getValue() != stored) {
      throw corrupt(file, "checksum mismatch (stored " + Integer.toHexString(stored) + ", computed "
          + Integer.toHexString((int) crc.getValue()) + ")");
    }
    if (in.getInt() != MAGIC || in.getInt() != VERSION) {
      throw corrupt(file, "it is not a version " + VERSION + " shard");
    }
    int flags = in.getInt();
    int rows = in.getInt();
    long nnzLong = in.getLong();
    boolean values = (flags & FLAG_VALUES) != 0;
    boolean fields = (flags & FLAG_FIELDS) != 0;
    long expected = HEADER + 4L * (rows + 1) + 8 * nnzLong + (values ? 4 * nnzLong : 0) + 4L * rows
        + (fields ? 4 * nnzLong : 0) + 4;
    if (rows < 0 || nnzLong < 0 || nnzLong > Integer.MAX_VALUE || expected != bytes.length) {
      throw corrupt(file, "its header (rows " + rows + ", nnz " + nnzLong + ") does not match its size");
    }
    int nnz = (int) nnzLong;
    int[] rowStart = new int[rows + 1];
    in.asIntBuffer().get(rowStart);
    in.position(in.position() + 4 * (rows + 1));
    long[] keys = new long[nnz];
    in.asLongBuffer().get(keys);
    in.position(in.position() + 8 * nnz);
    float[] vals = null;
    if (values) {
      vals = new float[nnz];
      in.asFloatBuffer().get(vals);
      in.position(in.position() + 4 * nnz);
    }
    float[] labels = new float[rows];
    in.asFloatBuffer().get(labels);
    in.position(in.position() + 4 * rows);
    int[] fieldIds = null;
    if (fields) {
      fieldIds = new int[nnz];
      in.asIntBuffer().get(fieldIds);
    }
    if (rowStart[0] != 0 || rowStart[rows] != nnz) {
      throw corrupt(file, "its row offsets do not span its " + nnz + " entries");
    }
    return new CsrBlock(rows, rowStart, keys, vals, labels, fieldIds);
  }

  private static IOException corrupt(Path file, String why) {
    return new CorruptShardException(file + " is corrupt: " + why);
  }

  /** Buffers primitive arrays into the channel, feeding the CRC and digest on each flush. */
  private static final class Sink {
    private final FileChannel ch;
    private final ByteBuffer buf;
    private final CRC32C crc;
    private final MessageDigest digest;
    long written;

    Sink(FileChannel ch, ByteBuffer buf, CRC32C crc, MessageDigest digest) {
      this.ch = ch;
      this.buf = buf;
      this.crc = crc;
      this.digest = digest;
    }

    void ints(int[] a, int n) throws IOException {
      int off = 0;
      while (off < n) {
        int k = Math.min(n - off, buf.remaining() / 4);
        if (k == 0) {
          flush();
          continue;
        }
        buf.asIntBuffer().put(a, off, k);
        buf.position(buf.position() + 4 * k);
        off += k;
      }
    }

    void floats(float[] a, int n) throws IOException {
      int off = 0;
      while (off < n) {
        int k = Math.min(n - off, buf.remaining() / 4);
        if (k == 0) {
          flush();
          continue;
        }
        buf.asFloatBuffer().put(a, off, k);
        buf.position(buf.position() + 4 * k);
        off += k;
      }
    }

    void longs(long[] a, int n) throws IOException {
      int off = 0;
      while (off < n) {
        int k = Math.min(n - off, buf.remaining() / 8);
        if (k == 0) {
          flush();
          continue;
        }
        buf.asLongBuffer().put(a, off, k);
        buf.position(buf.position() + 8 * k);
        off += k;
      }
    }

    void flush() throws IOException {
      buf.flip();
      crc.update(buf.duplicate());
      digest.update(buf.duplicate());
      written += buf.limit();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      buf.clear();
    }
  }
}
