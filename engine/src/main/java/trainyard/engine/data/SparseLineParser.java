package trainyard.engine.data;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The line shape libsvm and libffm share: {@code label token token ... [# comment]}, tokens
 * separated by spaces or tabs, the label left out only where labels are optional (the first token
 * then holds a ':'). Subclasses read the feature tokens; their token loop stays in one method so
 * the per-token path makes no calls. Not thread-safe.
 */
abstract class SparseLineParser extends RowParser {
  /** What {@link #beginRow} returns for a blank or comment line. */
  static final int BLANK = -2;
  /** The label {@link #beginRow} read; 0 where it was left out. */
  float label;
  /** Whether tokens are {@code field:id:value} (libffm) rather than {@code id:value} (libsvm). */
  private final boolean fielded;

  SparseLineParser(int hashBits, boolean labelOptional, boolean fielded) {
    super(hashBits, labelOptional);
    this.fielded = fielded;
  }

  /**
   * Reads the line up to its first feature token and sets {@link #label}; returns where the
   * features start, {@link #BLANK}, or {@link #ERROR} after {@link #fail}.
   */
  final int beginRow(byte[] b, int start, int end) {
    int i = start;
    while (i < end && isSpace(b[i])) {
      i++;
    }
    if (i == end || b[i] == '#') {
      return BLANK;
    }
    int t = i;
    boolean colon = false;
    while (t < end && !isSpace(b[t])) {
      colon |= b[t] == ':';
      t++;
    }
    label = 0f;
    if (colon && labelOptional) {
      unlabelledRows++;
      return i;
    }
    label = ByteNumbers.parseFloat(b, i, t);
    if (label != label) {
      String reason = "label " + token(b, i, t) + " is not a finite number";
      return fail(start, i, commas(b, i, t) ? reason + "; the line has commas: if the file is CSV, say so (format=csv)"
          : reason);
    }
    return t;
  }

  private static boolean commas(byte[] b, int from, int to) {
    for (int k = from; k < to; k++) {
      if (b[k] == ',') {
        return true;
      }
    }
    return false;
  }

  // ---- for the fast paths (RowParser#parseFast): reading 8 bytes at a time ----

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** '0' in every byte: x ^ ZEROS turns digit bytes into their values 0..9. */
  private static final long ZEROS = 0x3030303030303030L;
  /** "1 " as it reads in x: '1' ^ '0', then ' ' ^ '0'. */
  private static final int ONE_SPACE = 0x1001;

  /** The high bit of every byte of {@code x} (text ^ ZEROS) that was not a digit; no carries cross bytes. */
  private static long nonDigits(long x) {
    return (((x & 0x7F7F7F7F7F7F7F7FL) + 0x7676767676767676L) | x) & 0x8080808080808080L;
  }

  /**
   * The number written by the first {@code n} (1..8) bytes of {@code x} (text ^ ZEROS, first
   * character in the low byte): the digits move to the top, zeros lead, and three multiplications
   * combine pairs, quads and the two halves (the method of simdjson's parse_eight_digits_unrolled).
   */
  private static long digitsValue(long x, int n) {
    long v = x << (64 - 8 * n);
    v = v * 10 + (v >>> 8);
    return (((v & 0x000000FF000000FFL) * 0x000F424000000064L)
        + (((v >>> 16) & 0x000000FF000000FFL) * 0x0000271000000001L)) >>> 32;
  }

  private static boolean endsToken(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  /**
   * One pass over a line of {@code label [field:]id:value ...}: a label and values of at most 7
   * decimal digits without exponent, fields of at most 7 digits, ids of at most 18, spaces or
   * tabs between, LF or CRLF at the end. Values come out bit-identical to
   * {@link ByteNumbers#parseFloat}, which takes the same float path for such numbers. Anything
   * else (a comment, a missing label, an exponent, a bad token) is declined. One loop serves
   * libsvm and libffm: {@code fielded} is fixed per parser, so its branch costs nothing.
   */
  @Override
  final int parseFast(byte[] b, int start, CsrBuilder out) {
    if (labelOptional) {
      return DECLINED;
    }
    float rowLabel = shortDecimal(b, start);
    int i = cursor;
    if (rowLabel != rowLabel || !endsToken(b[i]) || out.withFields() != fielded) {
      return DECLINED;
    }
    // entries go straight into the builder's arrays; its count moves only when the row is whole
    long[] keys = out.keys;
    float[] values = out.values;
    int[] fields = out.fields;
    int nnz = out.nnz;
    while (true) {
      // ids and values are read 8 bytes at a time: no branch per digit
      long x = (long) LONGS.get(b, i) ^ ZEROS;
      int n = Long.numberOfTrailingZeros(nonDigits(x)) >>> 3;
      if (n == 0) { // not a token: a separator, the line's end, or something for the checked parser
        byte c = b[i];
        if (c == ' ' || c == '\t') {
          i++;
          continue;
        }
        if (c == '\n' || c == '\r' && b[i + 1] == '\n') {
          out.nnz = nnz;
          out.endRow(rowLabel);
          return c == '\n' ? i + 1 : i + 2;
        }
        return DECLINED;
      }
      if (nnz == keys.length) {
        out.nnz = nnz;
        out.growEntries();
        keys = out.keys;
        values = out.values;
        fields = out.fields;
      }
      if (fielded) {
        if (n == 8) {
          return DECLINED;
        }
        fields[nnz] = (int) digitsValue(x, n);
        i += n;
        if (b[i] != ':') {
          return DECLINED;
        }
        i++;
        x = (long) LONGS.get(b, i) ^ ZEROS;
        n = Long.numberOfTrailingZeros(nonDigits(x)) >>> 3;
        if (n == 0) {
          return DECLINED;
        }
      }
      long id = digitsValue(x, n);
      i += n;
      if (n == 8) {
        int d;
        while ((d = b[i] - '0') >= 0 && d <= 9 && n < 18) {
          id = id * 10 + d;
          i++;
          n++;
        }
      }
      if (b[i] != ':') {
        return DECLINED;
      }
      i++;
      x = (long) LONGS.get(b, i) ^ ZEROS;
      if ((x & 0xFFFF) == ONE_SPACE) { // "1 ": most values of one-hot data, and the space after
        keys[nnz] = key(id);
        values[nnz++] = 1f;
        i += 2;
        continue;
      }
      long marks = nonDigits(x);
      n = Long.numberOfTrailingZeros(marks) >>> 3;
      int end = Long.numberOfTrailingZeros(marks & (marks - 1)) >>> 3; // the next non-digit after that
      float v;
      if (n > 0 && n < 8 && b[i + n] != '.') {
        v = digitsValue(x, n);
        i += n;
      } else if (n > 0 && b[i + n] == '.' && end < 8 && end > n + 1) {
        // the whole decimal lies in x: close the gap the '.' leaves and read the digits at once
        int k = end - n - 1;
        long joined = x & ((1L << 8 * n) - 1) | x >>> 8 * (n + 1) << 8 * n;
        v = digitsValue(joined, n + k) / ByteNumbers.FPOW10[k];
        i += end;
      } else {
        v = shortDecimal(b, i); // a sign, a leading '.', or a decimal longer than 7 bytes
        i = cursor;
      }
      byte after = b[i];
      if (v != v || !endsToken(after)) {
        return DECLINED;
      }
      if (after == ' ') {
        i++;
      }
      keys[nnz] = key(id);
      values[nnz++] = v;
      if (v != 1f) {
        out.allOnes = false;
      }
    }
  }
}
