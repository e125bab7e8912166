package trainyard.engine.data;

import java.io.IOException;

/**
 * A dataset as the learner sees it: statistics and a list of shards, each loaded whole; a learner
 * streams them, holding a few shards at a time.
 * Implementations are safe to read from several threads at once.
 */
public interface Dataset {
  DatasetStats stats();

  int shardCount();

  /** Loads shard {@code index} (0-based); the block is fresh and owned by the caller. */
  CsrBlock shard(int index) throws IOException;

  /**
   * Rows of shard {@code index}. Implementations that know it without reading the shard (from a
   * manifest) override this; the default loads the shard.
   */
  default int shardRows(int index) throws IOException {
    return shard(index).rows;
  }
}
