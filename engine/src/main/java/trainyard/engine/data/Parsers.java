package trainyard.engine.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Parses inputs for prediction with the same parsers and errors as {@link Ingest}: small ones held
 * in memory ({@link #parse}) or a stream a block at a time ({@link #forEachBlock}). Labels may be
 * left out in libsvm and libffm rows ({@code 3:1 7:0.5}): they read as 0. Stateless and
 * thread-safe.
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
      CsrBuilder out = new CsrBuilder(format == Format.LIBFFM, 16, 256);
      RowSource scanner = RowSource.open(new ByteArrayInputStream(bytes), format, hashBits, true, MAX_BAD_LINES, 1);
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

  /** Receives the blocks of {@link #forEachBlock}. */
  @FunctionalInterface
  public interface BlockSink {
    void accept(CsrBlock block) throws IOException;
  }

  /** What {@link #forEachBlock} read: rows, and how many of them had no label. */
  public record Summary(long rows, long unlabelledRows) {}

  /**
   * Streams {@code in} (gzip or plain) to {@code sink} in blocks of up to {@code rowsPerBlock}
   * rows. A bad line throws {@link IngestException} once up to 10 bad lines are known; blocks
   * before it have been delivered, so a sink that writes output should write it somewhere
   * temporary first. Does not close {@code in}.
   */
  public static Summary forEachBlock(InputStream in, Format format, int hashBits, int rowsPerBlock, BlockSink sink)
      throws IOException {
    if (hashBits < 0 || hashBits > 40) {
      throw new IllegalArgumentException("hashBits must be in 0..40, got " + hashBits);
    }
    if (rowsPerBlock < 1) {
      throw new IllegalArgumentException("rowsPerBlock must be >= 1, got " + rowsPerBlock);
    }
    CsrBuilder out = new CsrBuilder(format == Format.LIBFFM, Math.min(rowsPerBlock, 1 << 16), 1 << 16);
    long rows = 0;
    try (RowSource scanner = RowSource.open(in, format, hashBits, true, MAX_BAD_LINES, RowSource.defaultThreads())) {
      boolean ended;
      do {
        out.clear();
        ended = scanner.fill(out, rowsPerBlock, Ingest.MAX_SHARD_ENTRIES);
        if (scanner.failed()) {
          throw new IngestException(scanner.badLines());
        }
        if (out.rows() > 0) {
          rows += out.rows();
          sink.accept(out.build());
        }
      } while (!ended);
      if (rows == 0) {
        throw new IngestException(0, "the input has no rows");
      }
      return new Summary(rows, scanner.unlabelledRows());
    }
  }
}
