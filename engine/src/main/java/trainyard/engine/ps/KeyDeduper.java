package trainyard.engine.ps;

import java.util.Arrays;

/**
 * Worker-side de-duplication of a minibatch's keys: {@link #add} every key occurrence, then
 * {@link #finish} yields the unique keys in ascending order (what push and pull require) and,
 * per occurrence, the index of its key in that list.
 *
 * <p>The hash table keeps key and (generation, index) side by side, one cache line per probe,
 * and is sized from the previous batch's unique count, so it stays small enough for the cache;
 * it grows when a batch needs more. Buffers are reused from batch to batch. Not thread-safe:
 * one per worker thread.
 */
public final class KeyDeduper {
  /** Pairs: table[2b] = key, table[2b+1] = generation << 32 | index. */
  private long[] table = new long[2 * 1024];
  private int mask = 1023;
  private long gen = 1;

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
      Arrays.fill(table, 0L);
      gen = 1;
    }
    if (occurrence.length < maxOccurrences) {
      occurrence = new int[maxOccurrences];
    }
    size = 0;
    occurrences = 0;
  }

  /** Records one occurrence of {@code key}. */
  public void add(long key) {
    long[] t = table;
    int m = mask;
    long tag = gen << 32;
    int b = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & m;
    while (true) {
      long meta = t[2 * b + 1];
      if ((meta & 0xFFFFFFFF00000000L) != tag) {
        break;
      }
      if (t[2 * b] == key) {
        int idx = (int) meta;
        count[idx]++;
        occurrence[occurrences++] = idx;
        return;
      }
      b = (b + 1) & m;
    }
    if (size == unique.length) {
      unique = Arrays.copyOf(unique, size * 2);
      count = Arrays.copyOf(count, size * 2);
    }
    t[2 * b] = key;
    t[2 * b + 1] = tag | size;
    unique[size] = key;
    count[size] = 1;
    occurrence[occurrences++] = size++;
    if (size * 2 > m) {
      grow();
    }
  }

  /** Doubles the table, re-inserting this batch's keys. */
  private void grow() {
    int cap = (mask + 1) * 2;
    table = new long[2 * cap];
    mask = cap - 1;
    gen = 1;
    long tag = gen << 32;
    for (int i = 0; i < size; i++) {
      int b = (int) ((unique[i] * 0x9E3779B97F4A7C15L) >>> 40) & mask;
      while ((table[2 * b + 1] & 0xFFFFFFFF00000000L) == tag) {
        b = (b + 1) & mask;
      }
      table[2 * b] = unique[i];
      table[2 * b + 1] = tag | i;
    }
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
    long[] t = table;
    for (int i = 0; i < size; i++) {
      long key = unique[i];
      int b = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
      while (t[2 * b] != key || (t[2 * b + 1] >>> 32) != gen) {
        b = (b + 1) & mask;
      }
      int provisional = (int) t[2 * b + 1];
      rank[provisional] = i;
      count[i] = oldCount[provisional];
    }
    int[] occ = occurrence;
    int[] rk = rank;
    for (int e = 0; e < occurrences; e++) {
      occ[e] = rk[occ[e]];
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
