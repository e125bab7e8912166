package trainyard.engine.data;

/**
 * {@code label field:id:value ...}, tokens separated by spaces or tabs; fields are integers in
 * 0..2^31-1, ids in 0..2^63-1, values finite decimals. Not thread-safe.
 */
final class LibffmParser extends RowParser {
  LibffmParser(int hashBits, boolean labelOptional) {
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
