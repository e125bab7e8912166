package trainyard.engine.data;

/**
 * How to ingest a text dataset. Immutable.
 *
 * @param hashBits     0: keep feature ids; 1..40: hash ids into 2^hashBits ({@link FeatureHash})
 * @param rowsPerShard rows per binary shard, 1..4194304; ingestion holds one shard in memory
 * @param maxBadLines  bad lines to collect before giving up, 1..1000
 */
public record IngestOptions(int hashBits, int rowsPerShard, int maxBadLines) {
  public static final int DEFAULT_ROWS_PER_SHARD = 65_536;
  public static final int DEFAULT_MAX_BAD_LINES = 10;

  public IngestOptions {
    if (hashBits < 0 || hashBits > 40) {
      throw new IllegalArgumentException("hashBits must be in 0..40, got " + hashBits);
    }
    if (rowsPerShard < 1 || rowsPerShard > 4_194_304) {
      throw new IllegalArgumentException("rowsPerShard must be in 1..4194304, got " + rowsPerShard);
    }
    if (maxBadLines < 1 || maxBadLines > 1000) {
      throw new IllegalArgumentException("maxBadLines must be in 1..1000, got " + maxBadLines);
    }
  }

  /** Ids kept, 65536 rows per shard, up to 10 bad lines reported. */
  public static IngestOptions defaults() {
    return new IngestOptions(0, DEFAULT_ROWS_PER_SHARD, DEFAULT_MAX_BAD_LINES);
  }

  public IngestOptions withHashBits(int bits) {
    return new IngestOptions(bits, rowsPerShard, maxBadLines);
  }

  public IngestOptions withRowsPerShard(int rows) {
    return new IngestOptions(hashBits, rows, maxBadLines);
  }
}
