package trainyard.engine.data;

import java.nio.charset.StandardCharsets;

/**
 * Comma-separated numbers under a header line. The label is the column named {@code label}
 * (case-insensitive), else the first; every other column {@code j} (0-based position in the
 * header) is feature id {@code j}. Empty cells and zeros are left out (rows are sparse); every line
 * must have as many cells as the header. Not thread-safe.
 */
final class CsvParser extends RowParser {
  private int columns = -1;
  private int labelColumn;

  CsvParser(int hashBits) {
    super(hashBits, false);
  }

  @Override
  RowParser copy() {
    CsvParser c = new CsvParser(hashBits);
    c.columns = columns;
    c.labelColumn = labelColumn;
    return c;
  }

  @Override
  boolean needsHeader() {
    return true;
  }

  @Override
  boolean header(byte[] b, int start, int end) {
    int count = 0;
    int label = -1;
    int i = start;
    while (true) {
      int t = i;
      while (t < end && b[t] != ',') {
        t++;
      }
      String name = new String(b, i, t - i, StandardCharsets.UTF_8).trim();
      if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
        name = name.substring(1, name.length() - 1).trim();
      }
      if (label < 0 && name.equalsIgnoreCase("label")) {
        label = count;
      }
      count++;
      if (t == end) {
        break;
      }
      i = t + 1;
    }
    if (count < 2) {
      fail(start, start, "the header must name a label column and at least one feature column");
      return false;
    }
    columns = count;
    labelColumn = Math.max(label, 0);
    return true;
  }

  /**
   * One pass over a line of plain cells: decimals of at most 7 digits without exponent (or
   * nothing), commas between, no spaces, as many as the header, LF or CRLF at the end. Anything
   * else, a blank line or an empty label included, is declined. (Reading longer decimals here as
   * well, with a second pass over their cell, was slower than the checked parser on pandas'
   * 17-digit floats.)
   */
  @Override
  int parseFast(byte[] b, int start, CsrBuilder out) {
    int i = start;
    float label = 0f;
    int last = columns - 1;
    for (int column = 0; ; column++) {
      byte c = b[i];
      if (c != ',' && c != '\n' && c != '\r') {
        float v = shortDecimal(b, i);
        if (v != v) {
          return DECLINED;
        }
        i = cursor;
        if (column == labelColumn) {
          label = v;
        } else if (v != 0f) {
          out.add(key(column), v);
        }
      } else if (column == labelColumn) {
        return DECLINED;
      }
      c = b[i];
      if (column < last) {
        if (c != ',') {
          return DECLINED;
        }
        i++;
      } else if (c == '\n' || c == '\r' && b[i + 1] == '\n') {
        out.endRow(label);
        return c == '\n' ? i + 1 : i + 2;
      } else {
        return DECLINED;
      }
    }
  }

  @Override
  int parse(byte[] b, int start, int end, CsrBuilder out) {
    int i = start;
    while (i < end && isSpace(b[i])) {
      i++;
    }
    if (i == end) {
      return SKIP;
    }
    float label = 0f;
    int column = 0;
    i = start;
    while (true) {
      int t = i;
      while (t < end && b[t] != ',') {
        t++;
      }
      if (column >= columns) {
        return fail(start, i, "expected " + columns + " columns as in the header, got more");
      }
      int s = i;
      int e = t;
      while (s < e && isSpace(b[s])) {
        s++;
      }
      while (e > s && isSpace(b[e - 1])) {
        e--;
      }
      if (column == labelColumn) {
        label = ByteNumbers.parseFloat(b, s, e);
        if (label != label) {
          return fail(start, s, "label " + token(b, s, e) + " is not a finite number");
        }
      } else if (s < e) {
        float v = ByteNumbers.parseFloat(b, s, e);
        if (v != v) {
          return fail(start, s, "value " + token(b, s, e) + " in column " + (column + 1) + " is not a finite number");
        }
        if (v != 0f) {
          out.add(key(column), v);
        }
      }
      column++;
      if (t == end) {
        break;
      }
      i = t + 1;
    }
    if (column != columns) {
      return fail(start, end, "expected " + columns + " columns as in the header, got " + column);
    }
    out.endRow(label);
    return ROW;
  }
}
