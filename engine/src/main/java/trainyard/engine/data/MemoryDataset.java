package trainyard.engine.data;

import java.util.List;

/**
 * A dataset held in memory, for tests and benchmarks: its stats counted from the blocks (features
 * as the largest key + 1). Each shard() call hands out the same block (read-only use).
 */
public final class MemoryDataset implements Dataset {
  private final List<CsrBlock> shards;
  private final DatasetStats stats;

  public MemoryDataset(List<CsrBlock> shards) {
    this.shards = List.copyOf(shards);
    long rows = 0;
    long nnz = 0;
    long pos = 0;
    long maxKey = 0;
    ShapeCounter shape = new ShapeCounter();
    for (CsrBlock b : shards) {
      shape.add(b.keys, b.nonZeros(), b.labels, b.rows);
      rows += b.rows;
      nnz += b.nonZeros();
      for (int r = 0; r < b.rows; r++) {
        pos += b.labels[r] > 0 ? 1 : 0;
      }
      for (int e = 0; e < b.nonZeros(); e++) {
        maxKey = Math.max(maxKey, b.keys[e]);
      }
    }
    this.stats = new DatasetStats(rows, maxKey + 1, nnz, pos, rows - pos, 0, shards.size(), 0,
        shards.get(0).fields != null, "memory-" + rows + "-" + nnz, shape.maxFeatureId(), shape.classes());
  }

  public static MemoryDataset of(CsrBlock... blocks) {
    return new MemoryDataset(List.of(blocks));
  }

  @Override
  public DatasetStats stats() {
    return stats;
  }

  @Override
  public int shardCount() {
    return shards.size();
  }

  @Override
  public CsrBlock shard(int index) {
    return shards.get(index);
  }
}
