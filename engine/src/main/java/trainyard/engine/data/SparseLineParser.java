package trainyard.engine.data;

/**
 * The line shape libsvm and libffm share: {@code label token token ... [# comment]}, tokens
 * separated by spaces or tabs, the label left out only where labels are optional (the first token
 * then holds a ':'). Subclasses read one feature token each. Not thread-safe.
 */
abstract class SparseLineParser extends RowParser {
  SparseLineParser(int hashBits, boolean labelOptional) {
    super(hashBits, labelOptional);
  }

  @Override
  final int parse(byte[] b, int start, int end, CsrBuilder out) {
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
    if (colon && labelOptional) {
      unlabelledRows++;
    } else {
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
      i = feature(b, start, i, end, out);
      if (i == ERROR) {
        return ERROR;
      }
    }
    out.endRow(label);
    return ROW;
  }

  /**
   * Adds the feature token that starts at {@code i} (not a space, before {@code end}) to the row;
   * returns where the token ends, or {@link #ERROR} after {@link #fail}.
   */
  abstract int feature(byte[] b, int lineStart, int i, int end, CsrBuilder out);

  /** Where the token from {@code i} ends: the next space or tab, or {@code end}. */
  static int tokenEnd(byte[] b, int i, int end) {
    while (i < end && !isSpace(b[i])) {
      i++;
    }
    return i;
  }
}
