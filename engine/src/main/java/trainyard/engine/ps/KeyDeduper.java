package trainyard.engine.ps;

import java.util.Arrays;

/**
 * Worker-side de-duplication of a minibatch's keys: {@link #add} every key occurrence, then
 * {@link #finish} yields the unique keys in ascending order (what push and pull require) and,
 * per occurrence, the index of its key in that list.
 *
 * <p>Buffers grow and are reused from batch to batch. Not thread-safe: one per worker thread.
 */
public final class KeyDeduper {
  private long[] bucketKeys = new long[1 << 10];
  /** Generation at which a bucket was filled; older generations read as empty (O(1) reset). */
  private int[] bucketGen = new int[1 << 10];
  private int[] bucketIdx = new int[1 << 10];
  private int mask = (1 << 10) - 1;
  private int gen = 1;

  private long[] unique = new long[256];
  private int[] count = new int[256];
  private int[] rank = new int[256];
  private int[] countCopy = new int[256];
  private int[] occurrence = new int[1024];
  private int size;
  private int occurrences;

  /** Starts a minibatch of at most {@code maxOccurrences} key occurrences. */
  public void begin(int maxOccurrences) {
    if (++gen == Integer.MAX_VALUE) {
      Arrays.fill(bucketGen, 0);
      gen = 1;
    }
    int cap = Integer.highestOneBit(Math.max(16, maxOccurrences) * 2 - 1) << 1;
    if (cap > bucketKeys.length) {
      bucketKeys = new long[cap];
      bucketGen = new int[cap];
      bucketIdx = new int[cap];
      mask = cap - 1;
    }
    if (occurrence.length < maxOccurrences) {
      occurrence = new int[maxOccurrences];
    }
    size = 0;
    occurrences = 0;
  }

  /** Records one occurrence of {@code key}. */
  public void add(long key) {
    int b = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    while (bucketGen[b] == gen) {
      if (bucketKeys[b] == key) {
        int idx = bucketIdx[b];
        count[idx]++;
        occurrence[occurrences++] = idx;
        return;
      }
      b = (b + 1) & mask;
    }
    if (size == unique.length) {
      unique = Arrays.copyOf(unique, size * 2);
      count = Arrays.copyOf(count, size * 2);
    }
    bucketGen[b] = gen;
    bucketKeys[b] = key;
    bucketIdx[b] = size;
    unique[size] = key;
    count[size] = 1;
    occurrence[occurrences++] = size++;
  }

  /** Sorts the unique keys and renumbers the occurrences to match. */
  public void finish() {
    if (rank.length < size) {
      rank = new int[unique.length];
      countCopy = new int[unique.length];
    }
    int[] oldCount = countCopy;
    System.arraycopy(count, 0, oldCount, 0, size);
    Arrays.sort(unique, 0, size);
    for (int i = 0; i < size; i++) {
      int b = (int) ((unique[i] * 0x9E3779B97F4A7C15L) >>> 40) & mask;
      while (bucketKeys[b] != unique[i] || bucketGen[b] != gen) {
        b = (b + 1) & mask;
      }
      int provisional = bucketIdx[b];
      rank[provisional] = i;
      count[i] = oldCount[provisional];
    }
    for (int e = 0; e < occurrences; e++) {
      occurrence[e] = rank[occurrence[e]];
    }
  }

  /** Unique keys, ascending, in {@code [0, size())}. */
  public long[] keys() {
    return unique;
  }

  public int size() {
    return size;
  }

  /** Per occurrence in the order added: the index of its key in {@link #keys()}. */
  public int[] occurrences() {
    return occurrence;
  }

  /** Per unique key: how often it occurred in this batch. */
  public int[] counts() {
    return count;
  }
}
