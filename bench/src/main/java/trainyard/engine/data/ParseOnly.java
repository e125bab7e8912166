package trainyard.engine.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * Benchmark access to the parser alone (no shard writing, no checksums): it lives in the engine's
 * package so the engine need not export its row sources. Not thread-safe.
 */
public final class ParseOnly {
  private ParseOnly() {}

  /** Parses the whole stream on {@code threads} threads into blocks of 65536 rows and drops them; returns the rows. */
  public static long parse(InputStream in, Format format, int threads) throws IOException {
    CsrBuilder block = new CsrBuilder(format == Format.LIBFFM, 1 << 16, 1 << 22);
    long rows = 0;
    try (RowSource source = RowSource.open(in, format, 0, false, 10, threads)) {
      boolean ended;
      do {
        block.clear();
        ended = source.fill(block, 1 << 16, Ingest.MAX_SHARD_ENTRIES);
        if (source.failed()) {
          throw new IngestException(source.badLines());
        }
        rows += block.rows();
      } while (!ended);
    }
    return rows;
  }
}
