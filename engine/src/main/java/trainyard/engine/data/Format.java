package trainyard.engine.data;

import java.util.Locale;

/** Text formats a dataset can be uploaded in (docs/FORMATS.md). */
public enum Format {
  /** {@code label id:value id:value ...} */
  LIBSVM,
  /** {@code label field:id:value ...} */
  LIBFFM,
  /** A header line, then numeric columns; the label column is named {@code label}, else it is the first. */
  CSV;

  /**
   * Case-insensitive: "libsvm", "LibFFM", "csv".
   *
   * @throws IllegalArgumentException naming the value and the formats there are
   */
  public static Format parse(String name) {
    if (name != null) {
      String n = name.trim().toUpperCase(Locale.ROOT);
      for (Format f : values()) {
        if (f.name().equals(n)) {
          return f;
        }
      }
    }
    throw new IllegalArgumentException("unknown format \"" + name + "\"; expected one of libsvm, libffm, csv");
  }

  /** The lower-case name users write. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
