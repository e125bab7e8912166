package trainyard.engine.data;

import java.io.IOException;

/** A shard or dataset.json on disk does not match what ingestion wrote: its message says which file and why. */
public final class CorruptShardException extends IOException {
  public CorruptShardException(String message) {
    super(message);
  }
}
