package trainyard.engine.model;

/**
 * What a sparse model knows of its feature ids before it trains: about how many keys its servers
 * will hold ({@code keys}, to size their tables), and below which id a worker's key dictionary
 * keeps ids in an array indexed by the id instead of hashing them ({@code denseIds}; 0: it hashes
 * every id). Immutable.
 */
public record KeySpace(long keys, int denseIds) {
  /** The servers' tables are sized for at least this many keys, at most {@link #MOST_EXPECTED}. */
  static final long LEAST_EXPECTED = 1024;
  static final long MOST_EXPECTED = 1L << 26;

  public KeySpace {
    if (keys < 1 || denseIds < 0) {
      throw new IllegalArgumentException("keys must be >= 1 and denseIds >= 0, got " + keys + " and " + denseIds);
    }
  }

  /**
   * From a dataset's statistics: {@code features} distinct ids, the largest {@code maxFeatureId}
   * (-1: unknown), and at most {@code workerKeys} distinct keys in one worker's share. A worker
   * keeps the ids in an array (4 bytes an id up to the largest) where that array is no larger
   * than the hash table it replaces would be (24 bytes a key at least, as {@code MemoryEstimate}
   * counts the dictionary): compact ids, as hashed CTR features have, and no memory more.
   */
  public static KeySpace of(long features, long maxFeatureId, long workerKeys) {
    long keys = Math.max(LEAST_EXPECTED, Math.min(features, MOST_EXPECTED));
    boolean dense = maxFeatureId >= 0 && maxFeatureId < Integer.MAX_VALUE - 8
        && 4 * (maxFeatureId + 1) <= 24 * Math.max(0, workerKeys);
    return new KeySpace(keys, dense ? (int) (maxFeatureId + 1) : 0);
  }
}
