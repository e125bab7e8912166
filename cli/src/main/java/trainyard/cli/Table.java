package trainyard.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: left-aligned columns, two spaces apart, headers in capitals. */
public final class Table {
  private final String[] headers;
  private final List<String[]> rows = new ArrayList<>();

  public Table(String... headers) {
    this.headers = headers;
  }

  public Table row(String... cells) {
    if (cells.length != headers.length) {
      throw new IllegalArgumentException("a row needs " + headers.length + " cells, got " + cells.length);
    }
    rows.add(cells);
    return this;
  }

  public void print(PrintStream out) {
    int[] width = new int[headers.length];
    for (int i = 0; i < headers.length; i++) {
      width[i] = headers[i].length();
    }
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    line(out, headers, width);
    for (String[] r : rows) {
      line(out, r, width);
    }
  }

  private static void line(PrintStream out, String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      sb.append(cells[i]);
      if (i < cells.length - 1) {
        sb.append(" ".repeat(width[i] - cells[i].length() + 2));
      }
    }
    out.println(sb.toString().stripTrailing());
  }
}
