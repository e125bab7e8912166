package trainyard.engine.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import com.sun.nio.file.ExtendedOpenOption;
import java.nio.file.Files;
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
  /** Bytes a shard is written or read in at once, through one direct buffer. */
  private static final int CHUNK = 1 << 20;

  private ShardFile() {}

  /** What writing one shard produced. */
  record Written(long bytes, int crc) {}

  /**
   * Reads and verifies a whole shard, in chunks through one small direct buffer per thread: the
   * file's bytes are copied once, from the page cache into that buffer, and then decoded into the
   * block's arrays. (Reading it whole into a heap array cost a zeroed array of the shard's size,
   * the copy FileChannel makes through a direct buffer as large, and a third pass for the checksum.)
   */
  static CsrBlock read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER + 8 || size > Integer.MAX_VALUE - 16) {
        throw corrupt(file, "its size " + size + " bytes is impossible for a shard");
      }
      Chunks in = new Chunks(ch, file);
      ByteBuffer head = in.take(HEADER);
      if (head.getInt() != MAGIC || head.getInt() != VERSION) {
        throw corrupt(file, "it is not a version " + VERSION + " shard");
      }
      int flags = head.getInt();
      int rows = head.getInt();
      long nnzLong = head.getLong();
      boolean values = (flags & FLAG_VALUES) != 0;
      boolean fields = (flags & FLAG_FIELDS) != 0;
      boolean keys32 = (flags & FLAG_KEYS32) != 0;
      long expected = HEADER + 4L * (rows + 1) + (keys32 ? 4 : 8) * nnzLong + (values ? 4 * nnzLong : 0) + 4L * rows
          + (fields ? 4 * nnzLong : 0) + 4;
      // Checked before any array is sized by the header: none can be larger than the file.
      if (rows < 0 || nnzLong < 0 || nnzLong > Integer.MAX_VALUE || expected != size) {
        throw corrupt(file, "its header (rows " + rows + ", nnz " + nnzLong + ") does not match its size");
      }
      int nnz = (int) nnzLong;
      int[] rowStart = in.ints(new int[rows + 1]);
      long[] keys = keys32 ? in.unsignedInts(new long[nnz]) : in.longs(new long[nnz]);
      float[] vals = values ? in.floats(new float[nnz]) : null;
      float[] labels = in.floats(new float[rows]);
      int[] fieldIds = fields ? in.ints(new int[nnz]) : null;
      int computed = in.checksum();
      int stored = in.lastInt();
      if (computed != stored) {
        throw corrupt(file, "checksum mismatch (stored " + Integer.toHexString(stored) + ", computed "
            + Integer.toHexString(computed) + ")");
      }
      if (rowStart[0] != 0 || rowStart[rows] != nnz) {
        throw corrupt(file, "its row offsets do not span its " + nnz + " entries");
      }
      return new CsrBlock(rows, rowStart, keys, vals, labels, fieldIds);
    }
  }

  /**
   * A shard file read front to back through this thread's chunk buffer ({@value #CHUNK}
   * bytes, direct), with the CRC32C of every byte taken so far. Not thread-safe.
   */
  private static final class Chunks {
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(
        () -> ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN));
    private final FileChannel ch;
    private final Path file;
    private final ByteBuffer buf = BUFFER.get().clear().limit(0);
    private final CRC32C crc = new CRC32C();

    Chunks(FileChannel ch, Path file) {
      this.ch = ch;
      this.file = file;
    }

    /** The next {@code n} bytes (at most a chunk), as a buffer of their own. */
    ByteBuffer take(int n) throws IOException {
      fill(n);
      ByteBuffer out = buf.slice(buf.position(), n).order(ByteOrder.LITTLE_ENDIAN);
      consume(n);
      return out;
    }

    /** The CRC32C of every byte read so far. */
    int checksum() {
      return (int) crc.getValue();
    }

    /** The file's last 4 bytes (the stored checksum, not in it); after every other byte was read. */
    int lastInt() throws IOException {
      fill(4);
      int v = buf.getInt();
      if (buf.hasRemaining() || ch.read(ByteBuffer.allocate(1)) >= 0) {
        throw corrupt(file, "it is longer than its header says");
      }
      return v;
    }

    int[] ints(int[] dst) throws IOException {
      items(dst.length, 4, (chunk, i, n) -> chunk.asIntBuffer().get(dst, i, n));
      return dst;
    }

    float[] floats(float[] dst) throws IOException {
      items(dst.length, 4, (chunk, i, n) -> chunk.asFloatBuffer().get(dst, i, n));
      return dst;
    }

    long[] longs(long[] dst) throws IOException {
      items(dst.length, 8, (chunk, i, n) -> chunk.asLongBuffer().get(dst, i, n));
      return dst;
    }

    /** Keys stored as 4 bytes: each an unsigned int. */
    long[] unsignedInts(long[] dst) throws IOException {
      items(dst.length, 4, (chunk, i, n) -> {
        IntBuffer low = chunk.asIntBuffer();
        for (int k = 0; k < n; k++) {
          dst[i + k] = low.get(k) & 0xFFFFFFFFL;
        }
      });
      return dst;
    }

    /** Takes {@code count} items of {@code width} bytes, each run that the buffer holds at once. */
    private void items(int count, int width, Run run) throws IOException {
      for (int i = 0; i < count; ) {
        int n = Math.min(count - i, next(width));
        run.take(buf, i, n);
        consume(width * n);
        i += n;
      }
    }

    /** Decodes items {@code [i, i + n)} from the start of {@code chunk}. */
    private interface Run {
      void take(ByteBuffer chunk, int i, int n);
    }

    /** How many items of {@code width} bytes the buffer holds, after filling it when it holds none. */
    private int next(int width) throws IOException {
      if (buf.remaining() < width) {
        fill(width);
      }
      return buf.remaining() / width;
    }

    /** Adds the next {@code n} bytes to the checksum and moves past them. */
    private void consume(int n) {
      int end = buf.position() + n;
      int limit = buf.limit();
      crc.update(buf.limit(end));
      buf.limit(limit);
    }

    /** Reads until the buffer holds at least {@code n} bytes (keeping the ones not yet taken). */
    private void fill(int n) throws IOException {
      buf.compact();
      while (buf.position() < n) {
        if (ch.read(buf) < 0) {
          throw corrupt(file, "it ended early");
        }
      }
      buf.flip();
    }
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

  /**
   * Writes shards through one reusable buffer, with direct I/O where the file system has it: the
   * shard bytes go from the buffer to the device without a copy into the page cache, which on a
   * 2-core machine cost as much CPU as parsing (and the shards are read once per epoch, later).
   * Falls back to ordinary writes where direct I/O is refused (tmpfs). Files are not forced to
   * disk here: {@link trainyard.engine.io.Durable#sync} does that.
   *
   * <p>Not thread-safe: one writing thread.
   */
  static final class Writer {
    /** Direct I/O wants buffer addresses, sizes and offsets in whole blocks of the device. */
    private static final int BLOCK = 4096;

    private final ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK + BLOCK).alignedSlice(BLOCK)
        .order(ByteOrder.LITTLE_ENDIAN);
    private final int[] narrowed = new int[CHUNK / 4];
    private final CRC32C crc = new CRC32C();
    private boolean direct;
    private FileChannel ch;
    private long written;

    Writer() {
      this(true);
    }

    /** @param direct whether to try direct I/O first */
    Writer(boolean direct) {
      this.direct = direct;
    }

    /** Writes the rows to {@code file} (created new); values are omitted when all are 1, keys take 4 bytes when all fit. */
    Written write(Path file, CsrBuilder rows) throws IOException {
      try {
        return writeOnce(file, rows);
      } catch (IOException e) {
        if (!direct) {
          throw e;
        }
        // some file systems take O_DIRECT at open and refuse the writes (EINVAL): write it again plainly
        direct = false;
        Files.deleteIfExists(file);
        return writeOnce(file, rows);
      }
    }

    private Written writeOnce(Path file, CsrBuilder rows) throws IOException {
      boolean values = !rows.allOnes;
      boolean keys32 = fitIn32Bits(rows.keys, rows.nnz);
      boolean fields = rows.withFields();
      int n = rows.rows;
      int nnz = rows.nnz;
      buf.clear();
      crc.reset();
      written = 0;
      try (FileChannel channel = open(file)) {
        ch = channel;
        buf.putInt(MAGIC).putInt(VERSION)
            .putInt((values ? FLAG_VALUES : 0) | (fields ? FLAG_FIELDS : 0) | (keys32 ? FLAG_KEYS32 : 0))
            .putInt(n).putLong(nnz);
        ints(rows.rowStart, n + 1);
        if (keys32) {
          lowInts(rows.keys, nnz);
        } else {
          longs(rows.keys, nnz);
        }
        if (values) {
          floats(rows.values, nnz);
        }
        floats(rows.labels, n);
        if (fields) {
          ints(rows.fields, nnz);
        }
        flush();
        ByteBuffer tail = buf.duplicate().flip();
        crc.update(tail);
        int checksum = (int) crc.getValue();
        buf.putInt(checksum);
        long total = written + buf.position();
        while (direct && buf.position() % BLOCK != 0) {
          buf.put((byte) 0);
        }
        buf.flip();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        if (direct) {
          ch.truncate(total); // drop the padding of the last block
        }
        return new Written(total, checksum);
      } finally {
        ch = null;
      }
    }

    private FileChannel open(Path file) throws IOException {
      if (direct) {
        try {
          return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
              ExtendedOpenOption.DIRECT);
        } catch (UnsupportedOperationException | IOException e) {
          direct = false; // the file system refuses it: ordinary writes from now on
          Files.deleteIfExists(file);
        }
      }
      return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    private void ints(int[] a, int n) throws IOException {
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

    /** The low 32 bits of each long, narrowed a buffer's worth at a time. */
    private void lowInts(long[] a, int n) throws IOException {
      for (int off = 0; off < n; off += narrowed.length) {
        int k = Math.min(n - off, narrowed.length);
        for (int i = 0; i < k; i++) {
          narrowed[i] = (int) a[off + i];
        }
        ints(narrowed, k);
      }
    }

    private void floats(float[] a, int n) throws IOException {
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

    private void longs(long[] a, int n) throws IOException {
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

    /** Writes the buffer's whole blocks (all of it without direct I/O) and keeps the rest at its start. */
    private void flush() throws IOException {
      int end = buf.position();
      int whole = direct ? end & -BLOCK : end;
      ByteBuffer out = buf.duplicate().limit(whole).position(0);
      crc.update(out.duplicate());
      while (out.hasRemaining()) {
        ch.write(out);
      }
      written += whole;
      buf.limit(end).position(whole);
      buf.compact();
    }
  }
}
