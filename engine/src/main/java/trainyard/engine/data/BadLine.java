package trainyard.engine.data;

/**
 * One line that could not be read.
 *
 * @param line   1-based line number in the (decompressed) input
 * @param column 1-based byte column where the problem starts; 0 when it concerns no column
 * @param reason what is wrong, naming the offending text
 * @param text   the line itself, cut to 200 characters
 */
public record BadLine(long line, int column, String reason, String text) {
  public static final int MAX_TEXT = 200;

  public BadLine {
    if (text == null) {
      text = "";
    } else if (text.length() > MAX_TEXT) {
      text = text.substring(0, MAX_TEXT);
    }
    reason = printable(reason);
    text = printable(text);
  }

  /**
   * {@code s} with control characters other than tab shown as U+FFFD, as undecodable bytes already
   * are: a binary file's bad line is still one a terminal and a database can take (PostgreSQL
   * refuses NUL in text).
   */
  static String printable(String s) {
    if (s == null) {
      return null;
    }
    char[] c = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if ((ch < 0x20 && ch != '\t') || ch == 0x7F) {
        if (c == null) {
          c = s.toCharArray();
        }
        c[i] = '\uFFFD';
      }
    }
    return c == null ? s : new String(c);
  }

  @Override
  public String toString() {
    return column > 0 ? "line " + line + ", column " + column + ": " + reason : "line " + line + ": " + reason;
  }
}
