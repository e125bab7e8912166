package trainyard.engine.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipException;

/**
 * A {@link RowSource} that parses on the caller's thread, a line at a time. For small inputs,
 * where threads cost more than they give. Not thread-safe.
 */
final class RowScanner implements RowSource {
  private static final int CHUNK = 1 << 20;

  private final LineReader lines;
  private final RowParser parser;
  private final int maxBadLines;
  private final boolean gzip;
  private final List<BadLine> bad = new ArrayList<>();
  private boolean headerSeen;

  RowScanner(InputStream source, boolean gzip, RowParser parser, int maxBadLines) {
    this.lines = new LineReader(source, CHUNK);
    this.parser = parser;
    this.maxBadLines = maxBadLines;
    this.gzip = gzip;
  }

  @Override
  public boolean failed() {
    return !bad.isEmpty();
  }

  @Override
  public List<BadLine> badLines() {
    return bad;
  }

  @Override
  public long unlabelledRows() {
    return parser.unlabelledRows;
  }

  @Override
  public void close() {
    // nothing to stop: no threads
  }

  @Override
  public boolean fill(CsrBuilder out, int maxRows, int maxEntries) throws IOException {
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
        int r = RowParser.ROW;
        if (parser.tryFast(b, s, out) == RowParser.DECLINED) {
          r = parser.parse(b, s, e, out);
        }
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
      bad.add(new BadLine(lines.lineNumber() + 1, 0, "the input is empty: a header line is required", ""));
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
