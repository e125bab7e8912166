package trainyard.engine.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The binary shard format (docs/FORMATS.md), little-endian:
 *
 * <pre>
 *   "TYSH"  int32 version=1  int32 flags (1: values, 2: fields, 4: 32-bit keys)  int32 rows  int64 nnz
 *   int32[rows+1] rowStart   int64[nnz] or uint32[nnz] keys   [float32[nnz] values]   float32[rows] labels
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
  /** Keys stored as unsigned 32-bit ints: every key of the shard is below 2^32 (unhashed ids, hashBits <= 32). */
  static final int FLAG_KEYS32 = 4;
  static final int HEADER = 24;
  private static final int CHUNK = 1 << 20;

  private ShardFile() {}

  /** What writing one shard produced. */
  record Written(long bytes, int crc) {}

  /**
   * Writes the builder's rows to {@code file} (created new); values are omitted when all are 1,
   * keys take 4 bytes when all fit. Does not force the file to disk: {@link Durable#sync} does.
   */
  static Written write(Path file, CsrBuilder rows) throws IOException {
    boolean values = !rows.allOnes;
    boolean keys32 = fitIn32Bits(rows.keys, rows.nnz);
    boolean fields = rows.withFields();
    int n = rows.rows;
    int nnz = rows.nnz;
    CRC32C crc = new CRC32C();
    // direct: bulk puts of primitive arrays become memory copies, and the channel writes it without another copy
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    long total = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      buf.putInt(MAGIC).putInt(VERSION)
          .putInt((values ? FLAG_VALUES : 0) | (fields ? FLAG_FIELDS : 0) | (keys32 ? FLAG_KEYS32 : 0))
          .putInt(n).putLong(nnz);
      Sink sink = new Sink(ch, buf, crc);
      sink.ints(rows.rowStart, n + 1);
      if (keys32) {
        sink.lowInts(rows.keys, nnz);
      } else {
        sink.longs(rows.keys, nnz);
      }
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
      total = sink.written + buf.limit();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
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
    boolean keys32 = (flags & FLAG_KEYS32) != 0;
    long expected = HEADER + 4L * (rows + 1) + (keys32 ? 4 : 8) * nnzLong + (values ? 4 * nnzLong : 0) + 4L * rows
        + (fields ? 4 * nnzLong : 0) + 4;
    if (rows < 0 || nnzLong < 0 || nnzLong > Integer.MAX_VALUE || expected != bytes.length) {
      throw corrupt(file, "its header (rows " + rows + ", nnz " + nnzLong + ") does not match its size");
    }
    int nnz = (int) nnzLong;
    int[] rowStart = new int[rows + 1];
    in.asIntBuffer().get(rowStart);
    in.position(in.position() + 4 * (rows + 1));
    long[] keys = new long[nnz];
    if (keys32) {
      IntBuffer low = in.asIntBuffer();
      for (int i = 0; i < nnz; i++) {
        keys[i] = low.get(i) & 0xFFFFFFFFL;
      }
      in.position(in.position() + 4 * nnz);
    } else {
      in.asLongBuffer().get(keys);
      in.position(in.position() + 8 * nnz);
    }
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

  private static boolean fitIn32Bits(long[] keys, int n) {
    long high = 0;
    for (int i = 0; i < n; i++) {
      high |= keys[i];
    }
    return high >>> 32 == 0;
  }

  /** Buffers primitive arrays into the channel, feeding the CRC on each flush. */
  private static final class Sink {
    private final FileChannel ch;
    private final ByteBuffer buf;
    private final CRC32C crc;
    private final int[] narrowed = new int[CHUNK / 4];
    long written;

    Sink(FileChannel ch, ByteBuffer buf, CRC32C crc) {
      this.ch = ch;
      this.buf = buf;
      this.crc = crc;
    }

    /** The low 32 bits of each long. */
    void lowInts(long[] a, int n) throws IOException {
      int off = 0;
      while (off < n) {
        int k = Math.min(n - off, Math.min(narrowed.length, buf.remaining() / 4));
        if (k == 0) {
          flush();
          continue;
        }
        for (int i = 0; i < k; i++) {
          narrowed[i] = (int) a[off + i];
        }
        ints(narrowed, k);
        off += k;
      }
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
      written += buf.limit();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      buf.clear();
    }
  }
}
