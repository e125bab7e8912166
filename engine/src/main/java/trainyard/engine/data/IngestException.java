package trainyard.engine.data;

import java.util.List;

/**
 * The input is not a valid dataset: {@link #badLines()} holds the first bad lines found (line,
 * column, reason), in input order; the message names the first. Immutable.
 */
public final class IngestException extends IllegalArgumentException {
  private final List<BadLine> badLines;

  public IngestException(List<BadLine> badLines) {
    super(message(badLines));
    this.badLines = List.copyOf(badLines);
  }

  /** A problem with the input as a whole (no rows, corrupt compression), reported as one bad line. */
  public IngestException(long line, String reason) {
    this(List.of(new BadLine(line, 0, reason, "")));
  }

  public List<BadLine> badLines() {
    return badLines;
  }

  private static String message(List<BadLine> bad) {
    if (bad.isEmpty()) {
      throw new IllegalArgumentException("an IngestException needs at least one bad line");
    }
    String first = bad.get(0).toString();
    return bad.size() == 1 ? first : first + " (and " + (bad.size() - 1) + " more bad lines)";
  }
}
