package trainyard.engine.data;

/**
 * {@code label field:id:value ... [# comment]} (line shape in {@link SparseLineParser}); fields
 * are integers in 0..2^31-1, ids in 0..2^63-1, values finite decimals. Not thread-safe.
 */
final class LibffmParser extends SparseLineParser {
  LibffmParser(int hashBits, boolean labelOptional) {
    super(hashBits, labelOptional, true);
  }

  @Override
  RowParser copy() {
    return new LibffmParser(hashBits, labelOptional);
  }

  @Override
  int parse(byte[] b, int start, int end, CsrBuilder out) {
    int i = beginRow(b, start, end);
    if (i < 0) {
      return i == BLANK ? SKIP : ERROR;
    }
    int t;
    while (true) {
      while (i < end && isSpace(b[i])) {
        i++;
      }
      if (i == end || b[i] == '#') {
        break;
      }
      // fast path: field digits ':' id digits (up to 18) ':' then "1" or a number; else the checked path
      int j = i;
      int fastField = 0;
      while (j < end && j - i < 9) {
        int d = b[j] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        fastField = fastField * 10 + d;
        j++;
      }
      if (j > i && j < end && b[j] == ':') {
        int idStart = ++j;
        long fastId = 0;
        while (j < end) {
          int d = b[j] - '0';
          if (d < 0 || d > 9) {
            break;
          }
          fastId = fastId * 10 + d;
          j++;
        }
        if (j > idStart && j - idStart <= 18 && j < end && b[j] == ':') {
          int k = j + 1;
          if (k < end && b[k] == '1' && (k + 1 == end || isSpace(b[k + 1]))) {
            out.add(fastField, key(fastId), 1f);
            i = k + 1;
            continue;
          }
          t = k;
          while (t < end && !isSpace(b[t])) {
            t++;
          }
          float v = ByteNumbers.parseFloat(b, k, t);
          if (v != v) {
            return fail(start, k, "value " + token(b, k, t) + " is not a finite number");
          }
          out.add(fastField, key(fastId), v);
          i = t;
          continue;
        }
      }
      int c1 = -1;
      int c2 = -1;
      t = i;
      while (t < end && !isSpace(b[t])) {
        if (b[t] == ':') {
          if (c1 < 0) {
            c1 = t;
          } else if (c2 < 0) {
            c2 = t;
          }
        }
        t++;
      }
      if (c2 < 0) {
        return fail(start, i, "expected field:id:value, got " + token(b, i, t));
      }
      int field = ByteNumbers.parseSmallInt(b, i, c1);
      if (field < 0) {
        return fail(start, i, "field " + token(b, i, c1) + " is not an integer in 0..2^31-1");
      }
      long id = ByteNumbers.parseId(b, c1 + 1, c2);
      if (id < 0) {
        return fail(start, c1 + 1, "feature id " + token(b, c1 + 1, c2) + " is not an integer in 0..2^63-1");
      }
      float v = ByteNumbers.parseFloat(b, c2 + 1, t);
      if (v != v) {
        return fail(start, c2 + 1, "value " + token(b, c2 + 1, t) + " is not a finite number");
      }
      out.add(field, key(id), v);
      i = t;
    }
    out.endRow(label);
    return ROW;
  }
}
