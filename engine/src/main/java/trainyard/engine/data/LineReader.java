package trainyard.engine.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines in place: after {@link #next()} the current line is
 * {@code buffer()[start() .. end())}, without its {@code \n} or {@code \r\n}. The buffer holds a
 * {@code '\n'} after every line, the last included, and {@link #PAD} spare bytes after that, as
 * {@link RowParser#parseFast} needs. Holds one chunk of input (plus the longest line seen), never
 * the whole stream.
 *
 * <p>Not thread-safe.
 */
final class LineReader {
  static final int MAX_LINE = 64 << 20;
  /** Bytes kept free after the text, for the sentinel and the parsers' 8-byte reads. */
  static final int PAD = 16;

  private final InputStream in;
  private byte[] buf;
  private int pos;
  private int limit;
  private boolean eof;
  private long line;
  private int start;
  private int end;
  private long bytesRead;

  LineReader(InputStream in, int chunkSize) {
    this.in = in;
    this.buf = new byte[chunkSize + PAD];
  }

  /** Advances to the next line; false at the end of input. */
  boolean next() throws IOException {
    while (true) {
      byte[] b = buf;
      int lim = limit;
      for (int i = pos; i < lim; i++) {
        if (b[i] == '\n') {
          start = pos;
          end = i > pos && b[i - 1] == '\r' ? i - 1 : i;
          pos = i + 1;
          line++;
          return true;
        }
      }
      if (eof) {
        if (pos < limit) {
          b[limit] = '\n';
          start = pos;
          end = b[limit - 1] == '\r' ? limit - 1 : limit;
          pos = limit;
          line++;
          return true;
        }
        return false;
      }
      fill();
    }
  }

  private void fill() throws IOException {
    int keep = limit - pos;
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, keep);
    } else if (keep == buf.length - PAD) {
      if (keep >= MAX_LINE) {
        throw new IngestException(line + 1, "line is longer than " + MAX_LINE + " bytes");
      }
      byte[] bigger = new byte[Math.min(MAX_LINE, keep * 2) + PAD];
      System.arraycopy(buf, 0, bigger, 0, keep);
      buf = bigger;
    }
    pos = 0;
    limit = keep;
    int n = in.read(buf, limit, buf.length - PAD - limit);
    if (n < 0) {
      eof = true;
    } else {
      limit += n;
      bytesRead += n;
    }
  }

  byte[] buffer() {
    return buf;
  }

  int start() {
    return start;
  }

  int end() {
    return end;
  }

  /** 1-based number of the current line. */
  long lineNumber() {
    return line;
  }

  long bytesRead() {
    return bytesRead;
  }
}
