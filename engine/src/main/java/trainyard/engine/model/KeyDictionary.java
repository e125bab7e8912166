package trainyard.engine.model;

import java.util.Arrays;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.Keys;

/**
 * One worker's key dictionary: the distinct keys of all the rows it trains on (plus the bias
 * key), which it registers with the servers once per job, and a lookup from a key to its rank
 * (position) in that list, which turns a block's feature ids into ranks once.
 *
 * <p><b>Hot keys first.</b> The list holds each server's keys together, as registering needs,
 * and within a server the keys most rows touch first. Servers store a worker's new keys in the
 * order it registers them, and the worker's arrays indexed by rank follow the same order, so the
 * few keys that most minibatches touch (feature frequencies follow power laws) share cache lines
 * and stay in cache, instead of lying scattered over the model: one process trains LR 1.55×
 * and FM 1.40× faster, two 1.25× and 1.28× (PERFORMANCE.md, "Hot keys first").
 *
 * <p>Two phases. Building: {@link #add} every key, on one thread, then {@link #finish}. After
 * that the dictionary is immutable: {@link #rank} and {@link #ranks} may be called from any
 * thread that {@code finish} happened-before (a data stream's read-ahead thread converts blocks
 * while the worker trains).
 *
 * <p><b>Compact ids.</b> Where a dataset's feature ids are few enough below its largest (hashed
 * ids, as CTR data usually has: {@link KeySpace#denseIds}), the ids below {@code denseIds} are
 * counted, and then ranked, in an array indexed by the id: one array access an entry instead of
 * mixing the id, hashing it and probing a table twice its size. Other ids (the bias, strays
 * beyond the dataset's statistics) go to the table. Both give the same order and ranks.
 *
 * <p>Memory: an open-addressing table of 2 to 4 slots per key (a long key and an int rank each, so
 * 24–48 bytes a key), or an int per compact id (at most 24 bytes a key: {@link KeySpace#of}),
 * and the sorted keys (8 bytes a key): O(distinct keys of the worker's rows), never O(rows).
 */
final class KeyDictionary {
  /**
   * Slot b holds table[b] when filled[b] != 0: while building, how often the key was added
   * (saturating); after finish, the key's rank + 1.
   */
  private long[] table;
  private int[] filled;
  private int shift;
  /** Keys in the table. */
  private int hashed;
  /** Ids in [0, denseIds) are counted, then ranked, in byId, as filled[] counts and ranks the table's. */
  private final int denseIds;
  private final int[] byId;
  /** Distinct keys, in the table and in byId. */
  private int size;
  private long[] sorted;

  /** A dictionary that hashes every key. */
  KeyDictionary() {
    this(0);
  }

  /** A dictionary that keeps ids in [0, {@code denseIds}) in an array by id. */
  KeyDictionary(int denseIds) {
    if (denseIds < 0) {
      throw new IllegalArgumentException("denseIds must be >= 0, got " + denseIds);
    }
    this.denseIds = denseIds;
    this.byId = new int[denseIds];
    int slots = denseIds > 0 ? 16 : 1024; // with compact ids the table holds the bias and strays
    table = new long[slots];
    filled = new int[slots];
    shift = 64 - Integer.numberOfTrailingZeros(slots);
  }

  private boolean dense(long id) {
    return id >= 0 && id < denseIds;
  }

  /** Adds {@code key} (a mixed key, as the servers see it); a duplicate only counts. */
  void add(long key) {
    checkBuilding();
    addId(Keys.unmix(key));
  }

  /** Adds the key of every entry of {@code block}. */
  void addAll(CsrBlock block) {
    checkBuilding();
    long[] ids = block.keys;
    for (int e = 0, n = block.nonZeros(); e < n; e++) {
      addId(ids[e]);
    }
  }

  private void checkBuilding() {
    if (sorted != null) {
      throw new IllegalStateException("the dictionary is finished");
    }
  }

  private void addId(long id) {
    if (dense(id)) {
      countId((int) id);
    } else {
      addHashed(Keys.mix(id));
    }
  }

  private void countId(int id) {
    int c = byId[id];
    if (c == 0) {
      size++;
    }
    if (c != Integer.MAX_VALUE) {
      byId[id] = c + 1;
    }
  }

  private void addHashed(long key) {
    long[] t = table;
    int[] f = filled;
    int mask = t.length - 1;
    int b = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    while (f[b] != 0) {
      if (t[b] == key) {
        if (f[b] != Integer.MAX_VALUE) {
          f[b]++;
        }
        return;
      }
      b = (b + 1) & mask;
    }
    t[b] = key;
    f[b] = 1;
    size++;
    if (++hashed * 2 > t.length) {
      grow();
    }
  }

  private void grow() {
    long[] oldKeys = table;
    int[] oldFilled = filled;
    table = new long[oldKeys.length * 2];
    filled = new int[table.length];
    shift--;
    int mask = table.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldFilled[i] != 0) {
        long key = oldKeys[i];
        int b = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
        while (filled[b] != 0) {
          b = (b + 1) & mask;
        }
        table[b] = key;
        filled[b] = oldFilled[i];
      }
    }
  }

  /**
   * Ends the building: orders the keys and numbers them in that order. The keys of each server of
   * {@code ranges} come together, in server order; within a server, the most often added first,
   * ties in ascending order. Idempotent.
   */
  void finish(KeyRanges ranges) {
    if (sorted != null) {
      return;
    }
    long[] keys = new long[size];
    int n = 0;
    for (int id = 0; id < denseIds; id++) {
      if (byId[id] != 0) {
        keys[n++] = Keys.mix(id);
      }
    }
    for (int b = 0; b < table.length; b++) {
      if (filled[b] != 0) {
        keys[n++] = table[b];
      }
    }
    // Ascending, each server's keys are one run; each run is then ordered by count.
    Arrays.sort(keys);
    int from = 0;
    for (int s = 1; s <= ranges.servers(); s++) {
      int to = keys.length;
      if (s < ranges.servers()) {
        // Unique keys: the search finds the bound itself, or where it would go.
        int at = Arrays.binarySearch(keys, from, keys.length, ranges.lowerBound(s));
        to = at >= 0 ? at : -at - 1;
      }
      byCount(keys, from, to);
      from = to;
    }
    for (int i = 0; i < keys.length; i++) {
      long id = Keys.unmix(keys[i]);
      if (dense(id)) {
        byId[(int) id] = i + 1;
      } else {
        filled[slot(keys[i])] = i + 1;
      }
    }
    sorted = keys;
  }

  /** What {@code key}'s entry holds (0: absent): its count while building, its rank + 1 after {@link #finish}. */
  private int stored(long key) {
    long id = Keys.unmix(key);
    if (dense(id)) {
      return byId[(int) id];
    }
    int b = slot(key);
    return b < 0 ? 0 : filled[b];
  }

  /** Orders keys[from..to) (ascending) by decreasing count, stable. */
  private void byCount(long[] keys, int from, int to) {
    // (MAX - count, position) packed in a long: one primitive sort, no comparator.
    long[] packed = new long[to - from];
    for (int i = from; i < to; i++) {
      packed[i - from] = (long) (Integer.MAX_VALUE - stored(keys[i])) << 32 | (i - from);
    }
    Arrays.sort(packed);
    for (int i = 0; i < packed.length; i++) {
      packed[i] = keys[from + (int) packed[i]];
    }
    System.arraycopy(packed, 0, keys, from, packed.length);
  }

  private int slot(long key) {
    int mask = table.length - 1;
    int b = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    while (filled[b] != 0) {
      if (table[b] == key) {
        return b;
      }
      b = (b + 1) & mask;
    }
    return -1;
  }

  boolean finished() {
    return sorted != null;
  }

  /** The keys in rank order (after {@link #finish}); callers must not modify it. */
  long[] keys() {
    return sorted;
  }

  int size() {
    return size;
  }

  /** The rank of {@code key} (after {@link #finish}). */
  int rank(long key) {
    int r = stored(key);
    if (r == 0) {
      throw new IllegalArgumentException("key " + key + " is not in the worker's dictionary");
    }
    return r - 1;
  }

  /** Per entry of {@code block}: the rank of its mixed key (after {@link #finish}). */
  int[] ranks(CsrBlock block) {
    long[] ids = block.keys;
    int n = block.nonZeros();
    int[] out = new int[n];
    long[] t = table;
    int[] f = filled;
    int[] d = byId;
    int mask = t.length - 1;
    int sh = shift;
    for (int e = 0; e < n; e++) {
      long id = ids[e];
      if (dense(id)) {
        int r = d[(int) id];
        if (r == 0) {
          throw new IllegalArgumentException("feature " + id + " is not in the worker's dictionary");
        }
        out[e] = r - 1;
        continue;
      }
      long key = Keys.mix(id);
      int b = (int) ((key * 0x9E3779B97F4A7C15L) >>> sh);
      while (true) {
        int r = f[b];
        if (r == 0) {
          throw new IllegalArgumentException("feature " + ids[e] + " is not in the worker's dictionary");
        }
        if (t[b] == key) {
          out[e] = r - 1;
          break;
        }
        b = (b + 1) & mask;
      }
    }
    return out;
  }
}
