package trainyard.engine.data;

/**
 * {@code label id:value id:value ... [# comment]}, tokens separated by spaces or tabs; ids are
 * integers in 0..2^63-1, values finite decimals. Not thread-safe.
 */
final class LibsvmParser extends RowParser {
  LibsvmParser(int hashBits, boolean labelOptional) {
    super(hashBits, labelOptional);
  }

  @Override
  int parse(byte[] b, int start, int end, CsrBuilder out) {
    int i = start;
    while (i < end && isSpace(b[i])) {
      i++;
    }
    if (i == end || b[i] == '#') {
      return SKIP;
    }
    int t = i;
    boolean colon = false;
    while (t < end && !isSpace(b[t])) {
      colon |= b[t] == ':';
      t++;
    }
    float label = 0f;
    if (!(colon && labelOptional)) {
      label = ByteNumbers.parseFloat(b, i, t);
      if (label != label) {
        return fail(start, i, "label " + token(b, i, t) + " is not a finite number");
      }
      i = t;
    }
    while (true) {
      while (i < end && isSpace(b[i])) {
        i++;
      }
      if (i == end || b[i] == '#') {
        break;
      }
      int c = -1;
      t = i;
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
