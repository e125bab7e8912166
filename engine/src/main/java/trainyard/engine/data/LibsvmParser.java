package trainyard.engine.data;

/**
 * {@code label id:value id:value ... [# comment]} (line shape in {@link SparseLineParser}); ids
 * are integers in 0..2^63-1, values finite decimals. Not thread-safe.
 */
final class LibsvmParser extends SparseLineParser {
  LibsvmParser(int hashBits, boolean labelOptional) {
    super(hashBits, labelOptional, false);
  }

  @Override
  RowParser copy() {
    return new LibsvmParser(hashBits, labelOptional);
  }

  @Override
  int parse(byte[] b, int start, int end, CsrBuilder out) {
    int i = beginRow(b, start, end);
    if (i < 0) {
      return i == BLANK ? SKIP : ERROR;
    }
    while (true) {
      while (i < end && isSpace(b[i])) {
        i++;
      }
      if (i == end || b[i] == '#') {
        break;
      }
      int c = -1;
      int t = i;
      while (t < end && !isSpace(b[t])) {
        if (b[t] == ':' && c < 0) {
          c = t;
        }
        t++;
      }
      if (c < 0) {
        return fail(start, i, "expected id:value, got " + token(b, i, t));
      }
      long id = ByteNumbers.parseId(b, i, c);
      if (id < 0) {
        return fail(start, i, "feature id " + token(b, i, c) + " is not an integer in 0..2^63-1");
      }
      float v = ByteNumbers.parseFloat(b, c + 1, t);
      if (v != v) {
        return fail(start, c + 1, "value " + token(b, c + 1, t) + " is not a finite number");
      }
      out.add(key(id), v);
      i = t;
    }
    out.endRow(label);
    return ROW;
  }
}
