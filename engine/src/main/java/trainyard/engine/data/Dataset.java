package trainyard.engine.data;

import java.io.IOException;

/**
 * A dataset as the learner sees it: statistics and a list of shards, each loaded whole.
 * Implementations are safe to read from several threads at once.
 */
public interface Dataset {
  DatasetStats stats();

  int shardCount();

  /** Loads shard {@code index} (0-based); the block is fresh and owned by the caller. */
  CsrBlock shard(int index) throws IOException;
}
