package trainyard.engine.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * Benchmark access to the parser alone (no shard writing, no checksums): it lives in the engine's
 * package so the engine need not export its scanner. Not thread-safe.
 */
public final class ParseOnly {
  private ParseOnly() {}

  /** Parses the whole stream into blocks of 65536 rows and drops them; returns the rows read. */
  public static long parse(InputStream in, Format format) throws IOException {
    RowScanner scanner = new RowScanner(in, format, 0, false, 10);
    CsrBuilder block = new CsrBuilder(format == Format.LIBFFM, 1 << 16, 1 << 22);
    long rows = 0;
    boolean ended;
    do {
      block.clear();
      ended = scanner.fill(block, 1 << 16, Ingest.MAX_SHARD_ENTRIES);
      if (scanner.failed()) {
        throw new IngestException(scanner.badLines());
      }
      rows += block.rows();
    } while (!ended);
    return rows;
  }
}
