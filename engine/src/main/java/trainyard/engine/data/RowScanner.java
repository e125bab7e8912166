package trainyard.engine.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads rows of a text format from a stream (gzip detected by its magic bytes) into
 * {@link CsrBuilder}s, a block at a time, and collects bad lines. After the first bad line no more
 * rows are kept, but scanning goes on until {@code maxBadLines} are found or the input ends, so a
 * user sees several problems at once.
 *
 * <p>Not thread-safe.
 */
final class RowScanner {
  private static final int CHUNK = 1 << 20;

  private final LineReader lines;
  private final RowParser parser;
  private final int maxBadLines;
  private final boolean gzip;
  private final List<BadLine> bad = new ArrayList<>();
  private boolean headerSeen;

  RowScanner(InputStream in, Format format, int hashBits, boolean labelOptional, int maxBadLines) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    gzip = b0 == 0x1f && b1 == 0x8b;
    InputStream source = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    this.lines = new LineReader(source, CHUNK);
    this.parser = RowParser.of(format, hashBits, labelOptional);
    this.maxBadLines = maxBadLines;
  }

  boolean gzip() {
    return gzip;
  }

  boolean failed() {
    return !bad.isEmpty();
  }

  List<BadLine> badLines() {
    return bad;
  }

  /** Bytes consumed so far (after decompression). */
  long bytesRead() {
    return lines.bytesRead();
  }

  /**
   * Adds rows to {@code out} until it holds {@code maxRows} rows or {@code maxEntries} entries, or
   * the input ends.
   *
   * @return true when there is nothing more to read: the input ended, or it is known bad
   */
  boolean fill(CsrBuilder out, int maxRows, int maxEntries) throws IOException {
    try {
      while (lines.next()) {
        byte[] b = lines.buffer();
        int s = lines.start();
        int e = lines.end();
        if (!headerSeen && parser.needsHeader()) {
          if (isBlank(b, s, e)) {
            continue;
          }
          headerSeen = true;
          if (!parser.header(b, s, e)) {
            recordBad(b, s, e);
            return true;
          }
          continue;
        }
        int r = parser.parse(b, s, e, out);
        if (r == RowParser.ERROR) {
          out.abortRow();
          if (recordBad(b, s, e)) {
            return true;
          }
        } else if (r == RowParser.ROW) {
          if (!bad.isEmpty()) {
            out.clear();
          } else if (out.rows() >= maxRows || out.nonZeros() >= maxEntries) {
            return false;
          }
        }
      }
    } catch (ZipException | EOFException e) {
      if (!gzip) {
        throw e;
      }
      bad.add(new BadLine(lines.lineNumber() + 1, 0, "the gzip input is corrupt or cut short: " + e.getMessage(), ""));
      return true;
    }
    if (parser.needsHeader() && !headerSeen && bad.isEmpty()) {
      bad.add(new BadLine(1, 0, "the input is empty: a header line is required", ""));
    }
    return true;
  }

  /** @return true when enough bad lines have been collected */
  private boolean recordBad(byte[] b, int s, int e) {
    int n = Math.min(e - s, BadLine.MAX_TEXT * 4);
    bad.add(new BadLine(lines.lineNumber(), parser.errorColumn, parser.errorReason,
        new String(b, s, n, StandardCharsets.UTF_8)));
    return bad.size() >= maxBadLines;
  }

  private static boolean isBlank(byte[] b, int s, int e) {
    for (int i = s; i < e; i++) {
      if (!RowParser.isSpace(b[i])) {
        return false;
      }
    }
    return true;
  }
}
