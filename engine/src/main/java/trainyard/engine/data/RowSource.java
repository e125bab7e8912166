package trainyard.engine.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Rows of a text input, a block at a time, with the bad lines found on the way. After the first
 * bad line no more rows are delivered, but reading goes on until {@code maxBadLines} are found or
 * the input ends, so a user sees several problems at once.
 *
 * <p>Not thread-safe: one consumer thread. {@link #close()} stops any helper threads.
 */
interface RowSource extends Closeable {
  /**
   * Adds rows to {@code out} until it holds {@code maxRows} rows or {@code maxEntries} entries, or
   * the input ends.
   *
   * @return true when there is nothing more to read: the input ended, or it is known bad
   */
  boolean fill(CsrBuilder out, int maxRows, int maxEntries) throws IOException;

  boolean failed();

  /** Bad lines in input order, at most maxBadLines. */
  List<BadLine> badLines();

  /** Rows that had no label (labels optional only). */
  long unlabelledRows();

  @Override
  void close();

  /**
   * A source over {@code in}, decompressed when it starts with gzip's magic bytes; parsed on
   * {@code threads} threads (1: on the caller's thread).
   */
  static RowSource open(InputStream in, Format format, int hashBits, boolean labelOptional, int maxBadLines,
      int threads) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    InputStream source = skipByteOrderMark(gzip ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)
        : buffered);
    RowParser parser = RowParser.of(format, hashBits, labelOptional);
    return threads <= 1
        ? new RowScanner(source, gzip, parser, maxBadLines)
        : new ParallelRowScanner(source, gzip, parser, maxBadLines, threads, ParallelRowScanner.CHUNK);
  }

  /** Drops a UTF-8 byte order mark (spreadsheets write one before CSV headers). */
  private static InputStream skipByteOrderMark(BufferedInputStream in) throws IOException {
    in.mark(3);
    if (in.read() != 0xEF || in.read() != 0xBB || in.read() != 0xBF) {
      in.reset();
    }
    return in;
  }

  /** Parser threads worth using here: the cores, at most 4. */
  static int defaultThreads() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }
}
