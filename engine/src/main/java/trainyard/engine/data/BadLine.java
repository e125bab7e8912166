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
  }

  @Override
  public String toString() {
    return column > 0 ? "line " + line + ", column " + column + ": " + reason : "line " + line + ": " + reason;
  }
}
