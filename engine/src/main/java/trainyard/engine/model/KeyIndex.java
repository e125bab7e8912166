package trainyard.engine.model;

/**
 * A read-only open-addressing index from a key to its position in a model's key array.
 * Immutable once built; safe to read from many threads.
 */
final class KeyIndex {
  private final long[] bucketKeys;
  /** position + 1; 0 marks an empty bucket. */
  private final int[] bucketPos;
  private final int mask;

  KeyIndex(long[] keys, int n) {
    int cap = Integer.highestOneBit(Math.max(16, n) * 2 - 1) << 1;
    bucketKeys = new long[cap];
    bucketPos = new int[cap];
    mask = cap - 1;
    for (int i = 0; i < n; i++) {
      int b = bucket(keys[i]);
      while (bucketPos[b] != 0) {
        b = (b + 1) & mask;
      }
      bucketKeys[b] = keys[i];
      bucketPos[b] = i + 1;
    }
  }

  /** Position of {@code key}, or -1. */
  int find(long key) {
    int b = bucket(key);
    while (true) {
      int p = bucketPos[b];
      if (p == 0) {
        return -1;
      }
      if (bucketKeys[b] == key) {
        return p - 1;
      }
      b = (b + 1) & mask;
    }
  }

  private int bucket(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }
}
