package trainyard.engine.ps;

import java.util.Arrays;

/**
 * An open-addressing map from key to a record of {@code width} floats in one growing array
 * (Agrona style: no boxing, no per-key objects). Records are numbered in insertion order.
 *
 * <p>Not thread-safe: owned by one server shard.
 */
final class KeyTable {
  private final int width;
  private long[] bucketKeys;
  /** record number + 1; 0 marks an empty bucket (any long, 0 included, is a valid key). */
  private int[] bucketRecord;
  private int mask;
  private long[] recordKeys;
  private float[] state;
  private int size;

  KeyTable(int width, int expected) {
    this.width = width;
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    bucketKeys = new long[cap];
    bucketRecord = new int[cap];
    mask = cap - 1;
    recordKeys = new long[Math.max(16, expected)];
    state = new float[recordKeys.length * width];
  }

  int size() {
    return size;
  }

  int width() {
    return width;
  }

  /** The state array; re-read after {@link #insert}, which may replace it. */
  float[] state() {
    return state;
  }

  long keyOf(int record) {
    return recordKeys[record];
  }

  /** The record of {@code key}, or -1. */
  int find(long key) {
    int b = bucket(key);
    while (true) {
      int r = bucketRecord[b];
      if (r == 0) {
        return -1;
      }
      if (bucketKeys[b] == key) {
        return r - 1;
      }
      b = (b + 1) & mask;
    }
  }

  /** Adds {@code key} (absent) with a zeroed record and returns the record number. */
  int insert(long key) {
    if ((size + 1) * 2 > bucketKeys.length) {
      rehash(bucketKeys.length * 2);
    }
    if (size == recordKeys.length) {
      recordKeys = Arrays.copyOf(recordKeys, size * 2);
      state = Arrays.copyOf(state, recordKeys.length * width);
    }
    int b = bucket(key);
    while (bucketRecord[b] != 0) {
      b = (b + 1) & mask;
    }
    bucketKeys[b] = key;
    bucketRecord[b] = size + 1;
    recordKeys[size] = key;
    return size++;
  }

  /** Bytes the stored keys use: their records and keys, plus the index buckets. */
  long bytes() {
    return bucketKeys.length * 12L + size * (8L + 4L * width);
  }

  private int bucket(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }

  private void rehash(int cap) {
    long[] oldKeys = bucketKeys;
    int[] oldRecords = bucketRecord;
    bucketKeys = new long[cap];
    bucketRecord = new int[cap];
    mask = cap - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldRecords[i] != 0) {
        int b = bucket(oldKeys[i]);
        while (bucketRecord[b] != 0) {
          b = (b + 1) & mask;
        }
        bucketKeys[b] = oldKeys[i];
        bucketRecord[b] = oldRecords[i];
      }
    }
  }
}
