package trainyard.engine.data;

import java.nio.charset.StandardCharsets;

/**
 * Reads one line of a text format into a {@link CsrBuilder}, straight from bytes. On a bad line it
 * returns {@link #ERROR} and leaves the column and reason in {@link #errorColumn} and
 * {@link #errorReason}; the caller drops the partial row. Error text is built only on that path.
 *
 * <p>Not thread-safe: one parser per reading thread.
 */
abstract class RowParser {
  static final int ROW = 1;
  static final int SKIP = 0;
  static final int ERROR = -1;

  final int hashBits;
  /** Predict requests may leave out the label; ingestion may not. */
  final boolean labelOptional;
  int errorColumn;
  String errorReason;
  /** Rows read without a label (only when labels are optional), including rows later found bad. */
  long unlabelledRows;

  RowParser(int hashBits, boolean labelOptional) {
    this.hashBits = hashBits;
    this.labelOptional = labelOptional;
  }

  static RowParser of(Format format, int hashBits, boolean labelOptional) {
    switch (format) {
      case LIBSVM:
        return new LibsvmParser(hashBits, labelOptional);
      case LIBFFM:
        return new LibffmParser(hashBits, labelOptional);
      case CSV:
        return new CsvParser(hashBits);
      default:
        throw new IllegalArgumentException("no parser for " + format);
    }
  }

  /** A fresh parser for another thread, with this one's settings and header. */
  abstract RowParser copy();

  /** {@link #ROW} (a row was added), {@link #SKIP} (blank or comment) or {@link #ERROR}. */
  abstract int parse(byte[] b, int start, int end, CsrBuilder out);

  /** What {@link #parseFast} returns when it leaves a line to {@link #parse}. */
  static final int DECLINED = -1;

  /**
   * Parses the line at {@code start} if it has the plain shape that most lines of large inputs
   * have, and returns the index just past its {@code '\n'}; otherwise returns {@link #DECLINED}
   * (the caller drops any entries it added and calls {@link #parse}, which gives the same row or
   * the error). {@code b} must hold a {@code '\n'} at or after {@code start} and 8 readable bytes
   * after it (the parsers read 8 bytes at a time): callers put one after the last line, in the
   * {@link LineReader#PAD} spare bytes, so the loops here need no bounds checks.
   */
  int parseFast(byte[] b, int start, CsrBuilder out) {
    return DECLINED;
  }

  /** Lines in a row that {@link #parseFast} declined, and lines not offered to it since. */
  private int declined;
  private int skipped;

  /**
   * {@link #parseFast}, with the entries of a declined line dropped from {@code out}. Past 16
   * declined lines in a row (a file of long floats, say) it is tried on one line in 64 only, since
   * each try costs a partial parse before the checked one; one line it takes resets that.
   */
  final int tryFast(byte[] b, int start, CsrBuilder out) {
    if (declined >= 16 && (++skipped & 63) != 0) {
      return DECLINED;
    }
    int next = parseFast(b, start, out);
    if (next != DECLINED) {
      declined = 0;
      return next;
    }
    out.abortRow();
    declined++;
    return DECLINED;
  }

  /** Where {@link #shortDecimal} stopped. */
  int cursor;

  /**
   * For the fast paths: {@code [-+]digits[.digits]} with 1 to 7 digits in all, from {@code i}, as
   * {@link ByteNumbers#parseFloat} reads it (one float operation on exact operands); NaN for
   * anything else. Reads past the number to the first byte that is not part of it.
   */
  final float shortDecimal(byte[] b, int i) {
    boolean negative = b[i] == '-';
    if (negative || b[i] == '+') {
      i++;
    }
    int mantissa = 0;
    int digits = 0;
    int d;
    while ((d = b[i] - '0') >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      i++;
    }
    int fraction = 0;
    if (b[i] == '.') {
      i++;
      while ((d = b[i] - '0') >= 0 && d <= 9) {
        mantissa = mantissa * 10 + d;
        fraction++;
        i++;
      }
    }
    cursor = i;
    int all = digits + fraction;
    if (all == 0 || all > 7) {
      return Float.NaN;
    }
    float r = fraction == 0 ? mantissa : mantissa / ByteNumbers.FPOW10[fraction];
    return negative ? -r : r;
  }

  /** Whether the first non-blank line is a header for {@link #header}. */
  boolean needsHeader() {
    return false;
  }

  /** Reads the header line; false (with the error fields set) if it is unusable. */
  boolean header(byte[] b, int start, int end) {
    return true;
  }

  final long key(long id) {
    return hashBits == 0 ? id : FeatureHash.bucket(id, hashBits);
  }

  final int fail(int lineStart, int at, String reason) {
    errorColumn = at - lineStart + 1;
    errorReason = reason;
    return ERROR;
  }

  static boolean isSpace(byte c) {
    return c == ' ' || c == '\t';
  }

  /** The text of a token for an error message, cut to 40 characters. */
  static String token(byte[] b, int start, int end) {
    int n = Math.min(end - start, 40);
    String s = new String(b, start, n, StandardCharsets.UTF_8);
    return "\"" + s + (end - start > n ? "..." : "") + "\"";
  }
}
