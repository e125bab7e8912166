package trainyard.engine.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Parses small inputs held in memory (prediction requests) with the same parsers and errors as
 * {@link Ingest}. Labels may be left out in libsvm and libffm rows ({@code 3:1 7:0.5}): they read
 * as 0. Stateless and thread-safe.
 */
public final class Parsers {
  private static final int MAX_BAD_LINES = 10;

  private Parsers() {}

  /**
   * @param hashBits 0 to keep ids, else 1..40 (use the model's)
   * @throws IngestException naming the first bad lines, or when there are no rows
   */
  public static CsrBlock parse(Reader rows, Format format, int hashBits) {
    if (hashBits < 0 || hashBits > 40) {
      throw new IllegalArgumentException("hashBits must be in 0..40, got " + hashBits);
    }
    try {
      StringBuilder text = new StringBuilder();
      char[] buf = new char[8192];
      for (int n; (n = rows.read(buf)) > 0; ) {
        text.append(buf, 0, n);
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      RowScanner scanner = new RowScanner(new ByteArrayInputStream(bytes), format, hashBits, true, MAX_BAD_LINES);
      CsrBuilder out = new CsrBuilder(format == Format.LIBFFM, 16, 256);
      scanner.fill(out, Integer.MAX_VALUE, Integer.MAX_VALUE);
      if (scanner.failed()) {
        throw new IngestException(scanner.badLines());
      }
      if (out.rows() == 0) {
        throw new IngestException(0, "the input has no rows");
      }
      return out.build();
    } catch (IOException e) {
      throw new UncheckedIOException("reading rows failed: " + e.getMessage(), e);
    }
  }
}
