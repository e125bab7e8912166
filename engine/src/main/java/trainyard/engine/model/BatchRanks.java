package trainyard.engine.model;

import java.util.Arrays;
import trainyard.engine.data.CsrBlock;

/**
 * A minibatch's keys over a worker's {@link KeyDictionary}: the de-duplicated, ascending ranks
 * of the batch (what {@code pushRanks} and {@code pullRanks} take) and, per occurrence, the index
 * of its key among them. The block's entries come already converted to ranks ({@link
 * KeyDictionary#ranks}), so a batch marks its ranks in a bitmap and reads them back in order: no
 * hashing and no comparison sort per batch. When the dictionary is much larger than a batch, the
 * batch's ranks are sorted instead of scanning the whole bitmap. (The same algorithm as
 * the per-block BatchKeys that the tests keep as its reference.)
 *
 * <p>Each row contributes the bias key first, then its entries in order. {@link #frozen} keeps a
 * batch's result ({@link SparseBatchCompute}'s kept batches). Not thread-safe: one per thread.
 * Memory: a bit and an int per key of the dictionary, and buffers of a batch.
 */
final class BatchRanks {
  /** Keys in the dictionary. */
  private final int dictSize;
  private final int biasRank;
  private final long[] bits;
  private final int[] rankInBatch;

  private int[] uniqueRanks = new int[256];
  private int[] occurrences = new int[1024];
  private int size;
  private int occurrenceCount;

  /** {@code dictionary} must be finished and hold {@code biasKey}. */
  BatchRanks(KeyDictionary dictionary, long biasKey) {
    this.dictSize = dictionary.keys().length;
    this.biasRank = dictionary.rank(biasKey);
    this.bits = new long[(dictSize + 63) >>> 6];
    this.rankInBatch = new int[dictSize];
  }

  /**
   * Batches over {@code other}'s dictionary with buffers of their own, for the same thread: the
   * dictionary-sized scratch that {@link #batch} leaves clean is shared.
   */
  BatchRanks(BatchRanks other) {
    this.dictSize = other.dictSize;
    this.biasRank = other.biasRank;
    this.bits = other.bits;
    this.rankInBatch = other.rankInBatch;
  }

  /**
   * Takes rows {@code order[from..to)} of {@code block}, whose entries have the ranks {@code
   * local}, as the minibatch; returns its number of unique keys.
   */
  int batch(CsrBlock block, int[] local, int[] order, int from, int to) {
    int[] rowStart = block.rowStart;
    int occ = 0;
    for (int i = from; i < to; i++) {
      int r = order[i];
      occ += rowStart[r + 1] - rowStart[r] + 1;
    }
    if (occurrences.length < occ) {
      occurrences = new int[Math.max(occ, occurrences.length * 2)];
    }
    if (uniqueRanks.length < Math.min(occ, dictSize)) {
      int cap = Math.min(dictSize, Math.max(occ, uniqueRanks.length * 2));
      uniqueRanks = new int[cap];
    }
    // Scanning the bitmap costs a word per 64 keys of the dictionary; sort when the batch is far smaller.
    if (bits.length > 4L * occ) {
      sortedUnique(rowStart, local, order, from, to);
    } else {
      scannedUnique(rowStart, local, order, from, to);
    }
    occurrenceCount = occ;
    int[] rb = rankInBatch;
    int[] oc = occurrences;
    int pos = 0;
    int bias = rb[biasRank];
    for (int i = from; i < to; i++) {
      int r = order[i];
      oc[pos++] = bias;
      for (int e = rowStart[r], end = rowStart[r + 1]; e < end; e++) {
        oc[pos++] = rb[local[e]];
      }
    }
    return size;
  }

  /** Marks the batch's ranks, then reads them back in order from the bitmap (and clears it). */
  private void scannedUnique(int[] rowStart, int[] loc, int[] order, int from, int to) {
    long[] b = bits;
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
  private void sortedUnique(int[] rowStart, int[] loc, int[] order, int from, int to) {
    long[] b = bits;
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

  /** The last batch's ranks and occurrences, in arrays of their own (exactly sized). */
  Batch frozen() {
    return new Batch(Arrays.copyOf(uniqueRanks, size), Arrays.copyOf(occurrences, occurrenceCount));
  }

  /**
   * One minibatch's keys as {@link #batch} numbers them, kept: its unique ranks, ascending, and
   * per occurrence the index of its key among them. Immutable by convention.
   */
  record Batch(int[] ranks, int[] occurrences) {}

  /** The batch's unique keys as positions in the dictionary, ascending: as many as {@link #batch} returned. */
  int[] ranks() {
    return uniqueRanks;
  }

  /** Per occurrence (per row: bias, then entries): the index of its key in {@link #ranks()}. */
  int[] occurrences() {
    return occurrences;
  }

  /** How many entries of {@link #occurrences()} the batch fills. */
  int occurrenceCount() {
    return occurrenceCount;
  }
}
