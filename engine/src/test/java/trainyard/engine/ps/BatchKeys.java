package trainyard.engine.ps;

import java.util.Arrays;
import trainyard.engine.data.CsrBlock;

/**
 * The reference for {@code model.BatchRanks} (test code: the engine used it before a worker's key
 * dictionary spanned its blocks). Worker-side keys of a sparse model over one worker's rows: the de-duplicated, ascending key
 * list of each minibatch (what push and pull require) and, per occurrence, the index of its key
 * in that list.
 *
 * <p>Built once per worker: every feature id of the block is hashed to its key
 * ({@link Keys#mix}) and numbered by its rank among the block's distinct keys (a dictionary).
 * A minibatch then marks its ranks in a bitmap and reads them back in order, so de-duplication
 * and sorting cost no hashing and no comparison sort per batch (DiFacto and ps-lite cache key
 * lists for the same reason). When the dictionary is much larger than a batch, the batch's
 * ranks are sorted instead of scanning the whole bitmap.
 *
 * <p>Each row contributes the bias key first, then its entries in order. Not thread-safe: one
 * per worker thread.
 */
public final class BatchKeys {
  private final CsrBlock block;
  /** The block's distinct keys, ascending. */
  private final long[] dict;
  /** Per entry of the block: the rank of its key in {@link #dict}. */
  private final int[] local;
  private final int biasRank;
  private final long[] bits;
  private final int[] rankInBatch;

  private long[] keys = new long[256];
  private int[] uniqueRanks = new int[256];
  private int[] counts = new int[256];
  private int[] occurrences = new int[1024];
  private int size;
  private boolean keysValid;

  /** Numbers the keys of {@code block} plus the bias key {@code biasKey}. */
  public BatchKeys(CsrBlock block, long biasKey) {
    this.block = block;
    int nnz = block.nonZeros();
    KeyDeduper d = new KeyDeduper();
    d.begin(nnz + 1);
    d.add(biasKey);
    long[] ids = block.keys;
    for (int e = 0; e < nnz; e++) {
      d.add(Keys.mix(ids[e]));
    }
    d.finish();
    dict = Arrays.copyOf(d.keys(), d.size());
    int[] occ = d.occurrences();
    biasRank = occ[0];
    local = Arrays.copyOfRange(occ, 1, nnz + 1);
    bits = new long[(dict.length + 63) >>> 6];
    rankInBatch = new int[dict.length];
  }

  /** The block these keys were built for. */
  public CsrBlock block() {
    return block;
  }

  /** Takes rows {@code order[from..to)} as the minibatch; returns its number of unique keys. */
  public int batch(int[] order, int from, int to) {
    int[] rowStart = block.rowStart;
    int occ = 0;
    for (int i = from; i < to; i++) {
      int r = order[i];
      occ += rowStart[r + 1] - rowStart[r] + 1;
    }
    if (occurrences.length < occ) {
      occurrences = new int[Math.max(occ, occurrences.length * 2)];
    }
    if (uniqueRanks.length < Math.min(occ, dict.length)) {
      int cap = Math.min(dict.length, Math.max(occ, uniqueRanks.length * 2));
      uniqueRanks = new int[cap];
      keys = new long[cap];
      counts = new int[cap];
    }
    // Scanning the bitmap costs a word per 64 keys of the block; sort when the batch is far smaller.
    if (bits.length > 4L * occ) {
      sortedUnique(order, from, to);
    } else {
      scannedUnique(order, from, to);
    }
    keysValid = false;
    int[] rb = rankInBatch;
    int[] oc = occurrences;
    int[] cnt = counts;
    int[] loc = local;
    Arrays.fill(cnt, 0, size, 0);
    int pos = 0;
    int bias = rb[biasRank];
    for (int i = from; i < to; i++) {
      int r = order[i];
      oc[pos++] = bias;
      cnt[bias]++;
      for (int e = rowStart[r], end = rowStart[r + 1]; e < end; e++) {
        int k = rb[loc[e]];
        oc[pos++] = k;
        cnt[k]++;
      }
    }
    return size;
  }

  /** Marks the batch's ranks, then reads them back in order from the bitmap (and clears it). */
  private void scannedUnique(int[] order, int from, int to) {
    long[] b = bits;
    int[] rowStart = block.rowStart;
    int[] loc = local;
    b[biasRank >>> 6] |= 1L << biasRank;
    for (int i = from; i < to; i++) {
      int r = order[i];
      for (int e = rowStart[r], end = rowStart[r + 1]; e < end; e++) {
        int k = loc[e];
        b[k >>> 6] |= 1L << k;
      }
    }
    int n = 0;
    for (int w = 0; w < b.length; w++) {
      long x = b[w];
      if (x == 0) {
        continue;
      }
      b[w] = 0;
      do {
        int k = (w << 6) + Long.numberOfTrailingZeros(x);
        rankInBatch[k] = n;
        uniqueRanks[n++] = k;
        x &= x - 1;
      } while (x != 0);
    }
    size = n;
  }

  /** Collects the batch's distinct ranks with the bitmap as a seen-set, then sorts them. */
  private void sortedUnique(int[] order, int from, int to) {
    long[] b = bits;
    int[] rowStart = block.rowStart;
    int[] loc = local;
    int n = 0;
    b[biasRank >>> 6] |= 1L << biasRank;
    uniqueRanks[n++] = biasRank;
    for (int i = from; i < to; i++) {
      int r = order[i];
      for (int e = rowStart[r], end = rowStart[r + 1]; e < end; e++) {
        int k = loc[e];
        long m = 1L << k;
        if ((b[k >>> 6] & m) == 0) {
          b[k >>> 6] |= m;
          uniqueRanks[n++] = k;
        }
      }
    }
    Arrays.sort(uniqueRanks, 0, n);
    for (int i = 0; i < n; i++) {
      int k = uniqueRanks[i];
      b[k >>> 6] = 0;
      rankInBatch[k] = i;
    }
    size = n;
  }

  /** The block's distinct keys, ascending: what a worker registers with the servers. */
  public long[] dictionary() {
    return dict;
  }

  /** The batch's unique keys as positions in {@link #dictionary()}, ascending, in {@code [0, size())}. */
  public int[] ranks() {
    return uniqueRanks;
  }

  /** The batch's unique keys, ascending, in {@code [0, size())}; looked up on demand (rank users never need them). */
  public long[] keys() {
    if (!keysValid) {
      for (int i = 0; i < size; i++) {
        keys[i] = dict[uniqueRanks[i]];
      }
      keysValid = true;
    }
    return keys;
  }

  public int size() {
    return size;
  }

  /** Per occurrence (per row: bias, then entries): the index of its key in {@link #keys()}. */
  public int[] occurrences() {
    return occurrences;
  }

  /** Per unique key of the batch: its occurrences in the batch. */
  public int[] counts() {
    return counts;
  }
}
