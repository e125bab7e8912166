package trainyard.engine.data;

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

  SparseLineParser(int hashBits, boolean labelOptional) {
    super(hashBits, labelOptional);
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
      return fail(start, i, "label " + token(b, i, t) + " is not a finite number");
    }
    return t;
  }
}
