package trainyard.api.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestOptions;

/**
 * How one ingestion ended: shards in {@code shards} with their stats, or the exception that
 * stopped it. {@link Ingestor#finish} turns it into the dataset's end.
 */
public record Ingested(Path shards, DatasetStats stats, Exception error) {
  /** A streamed upload's body broke off (too large, or the client went away): it never was a dataset. */
  static final class BrokenOff extends IOException {
    BrokenOff(Exception cause) {
      super("the body broke off", cause);
    }
  }

  /** The raw file is not there to ingest; the message says what the user should do. */
  static final class Lost extends IOException {
    Lost(String why) {
      super(why);
    }
  }

  /** The one way files become shards: reads {@code in} into {@code shards} (which must not exist). */
  static Ingested run(InputStream in, Format format, int hashBits, Path shards) {
    try {
      return new Ingested(shards, Ingest.ingest(in, format, shards, options(hashBits)), null);
    } catch (IOException | RuntimeException e) {
      return failed(e);
    }
  }

  static Ingested failed(Exception e) {
    return new Ingested(null, null, e);
  }

  static IngestOptions options(int hashBits) {
    return IngestOptions.defaults().withHashBits(hashBits);
  }
}
