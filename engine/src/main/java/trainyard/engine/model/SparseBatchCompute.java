package trainyard.engine.model;

import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.Keys;

/**
 * What the sparse models' per-worker computes share: a minibatch's keys are its rows' feature
 * keys plus the bias key, numbered by the worker's {@link KeyDictionary} (built by {@link
 * #collect} over all its rows, once per job) and deduplicated by {@link BatchRanks}, with pull and
 * push buffers grown to fit. Subclasses size the buffers per key and write {@link #gradient()}
 * over {@link #occurrences} (and {@link #counts()}).
 *
 * <p><b>Kept batches.</b> A block's minibatches are fixed runs of its rows (a worker's rows are
 * shuffled once per job; epochs only reorder the minibatches), so their de-duplicated keys are
 * the same every epoch. {@link #index} builds them once per block for a batch size, on the data
 * stream's thread, which keeps them with the block; {@link #prepare} then takes a minibatch's
 * keys from there instead of de-duplicating it again (a third of an LR worker's time before).
 * Any other run of rows is de-duplicated on the spot.
 *
 * <p>Not thread-safe, but {@link #index} only reads the finished dictionary and its own scratch.
 */
abstract class SparseBatchCompute implements BatchCompute {
  private static final long BIAS_KEY = Keys.mix(Keys.BIAS_FEATURE);
  final Loss loss;
  /** Ids the dictionary keeps in an array ({@link KeySpace#denseIds}). */
  final int denseIds;
  private KeyDictionary dictionary;
  /** Set once the dictionary is finished: index() reads it from another thread. */
  private volatile KeyDictionary finished;
  /** De-duplicates on the worker's thread the minibatches no index kept. */
  private BatchRanks dedup;
  /** index()'s own scratch, under its lock. */
  private BatchRanks indexing;
  float[] pull;
  float[] push;
  CsrBlock block;
  /** The index of {@link #block}, or null. */
  private Indexed indexed;
  /** Per entry of {@link #block}: the rank of its key; built when a minibatch was not kept. */
  private int[] local;
  int[] order;
  int from;
  int to;
  /** Unique keys in the prepared minibatch. */
  int n;
  /** The prepared minibatch's unique keys as ranks in the dictionary, ascending. */
  private int[] ranks;
  /** Per occurrence (per row: bias, then its entries): the index of its key among the unique ones. */
  int[] occurrences;
  private int occurrenceCount;
  private long[] keys = new long[256];
  private boolean keysValid;
  private int[] counts = new int[256];

  SparseBatchCompute(Loss loss, float[] pull, float[] push, int denseIds) {
    this.loss = loss;
    this.pull = pull;
    this.push = push;
    this.denseIds = denseIds;
  }

  @Override
  public final int prepare(CsrBlock block, int[] order, int from, int to) {
    if (block != this.block) {
      use(block, null);
    }
    this.order = order;
    this.from = from;
    this.to = to;
    BatchRanks.Batch b = kept(order, from, to);
    if (b != null) {
      ranks = b.ranks();
      occurrences = b.occurrences();
      n = ranks.length;
      occurrenceCount = occurrences.length;
    } else {
      if (local == null) {
        local = finished.ranks(block);
      }
      n = dedup.batch(block, local, order, from, to);
      ranks = dedup.ranks();
      occurrences = dedup.occurrences();
      occurrenceCount = dedup.occurrenceCount();
    }
    keysValid = false;
    fit(n);
    return n;
  }

  /** The kept minibatch of rows {@code order[from..to)}, when they are one of the index's in block order. */
  private BatchRanks.Batch kept(int[] order, int from, int to) {
    Indexed x = indexed;
    if (x == null || from % x.batchSize() != 0 || to != Math.min(block.rows, from + x.batchSize())) {
      return null;
    }
    for (int i = from; i < to; i++) {
      if (order[i] != i) {
        return null;
      }
    }
    return x.batches()[from / x.batchSize()];
  }

  /** Grows {@link #pull} and {@link #push} to hold {@code n} keys' values. */
  abstract void fit(int n);

  /** A new compute of the same model and settings, with no dictionary yet. */
  abstract SparseBatchCompute sibling();

  @Override
  public final BatchCompute twin() {
    finishDictionary();
    SparseBatchCompute t = sibling();
    t.dictionary = dictionary;
    t.finished = finished;
    t.dedup = new BatchRanks(dedup);
    return t;
  }

  @Override
  public final boolean collect(CsrBlock block) {
    if (finished != null) {
      throw new IllegalStateException("the worker's dictionary is already finished");
    }
    if (dictionary == null) {
      dictionary = new KeyDictionary(denseIds);
      dictionary.add(BIAS_KEY);
    }
    dictionary.addAll(block);
    return true;
  }

  /**
   * Finishes the dictionary (just the bias key when no row was collected), ordered for {@code
   * ranges} ({@link KeyDictionary#finish}), and returns its keys; once finished, the same keys.
   */
  @Override
  public final long[] dictionary(KeyRanges ranges) {
    if (finished == null) {
      if (dictionary == null) {
        dictionary = new KeyDictionary(denseIds);
        dictionary.add(BIAS_KEY);
      }
      dictionary.finish(ranges);
      dedup = new BatchRanks(dictionary, BIAS_KEY);
      finished = dictionary;
    }
    return finished.keys();
  }

  /** Finishes the dictionary as for one server, unless done: for minibatches prepared without registering. */
  private void finishDictionary() {
    if (finished == null) {
      dictionary(KeyRanges.uniform(1));
    }
  }

  /** The block's minibatches of {@code batchSize} rows in block order, de-duplicated (an {@link Indexed}). */
  @Override
  public final synchronized Object index(CsrBlock block, int batchSize) {
    KeyDictionary d = finished;
    if (d == null) {
      throw new IllegalStateException("collect the worker's keys and call dictionary(ranges) before indexing blocks");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (indexing == null) {
      indexing = new BatchRanks(d, BIAS_KEY);
    }
    int[] entryRanks = d.ranks(block);
    int[] inOrder = new int[block.rows];
    for (int i = 0; i < inOrder.length; i++) {
      inOrder[i] = i;
    }
    BatchRanks.Batch[] batches = new BatchRanks.Batch[(block.rows + batchSize - 1) / batchSize];
    for (int b = 0; b < batches.length; b++) {
      int first = b * batchSize;
      indexing.batch(block, entryRanks, inOrder, first, Math.min(block.rows, first + batchSize));
      batches[b] = indexing.frozen();
    }
    return new Indexed(block, batchSize, batches);
  }

  @Override
  public final void use(CsrBlock block, Object index) {
    finishDictionary();
    this.block = block;
    this.indexed = index instanceof Indexed x && x.block() == block ? x : null;
    this.local = null;
  }

  /** The batch's unique keys, in rank order; looked up on demand (rank users never need them). */
  @Override
  public final long[] keys() {
    if (!keysValid) {
      if (keys.length < n) {
        keys = new long[Math.max(n, keys.length * 2)];
      }
      long[] dict = finished.keys();
      for (int i = 0; i < n; i++) {
        keys[i] = dict[ranks[i]];
      }
      keysValid = true;
    }
    return keys;
  }

  @Override
  public final int[] ranks() {
    return ranks;
  }

  /** Per unique key of the prepared minibatch: its occurrences in it, counted on each call. */
  final int[] counts() {
    if (counts.length < n) {
      counts = new int[Math.max(n, counts.length * 2)];
    }
    java.util.Arrays.fill(counts, 0, n, 0);
    for (int i = 0; i < occurrenceCount; i++) {
      counts[occurrences[i]]++;
    }
    return counts;
  }

  @Override
  public final float[] pullBuffer() {
    return pull;
  }

  @Override
  public final float[] pushBuffer() {
    return push;
  }

  /**
   * What {@link #index} keeps with a block: its minibatches of {@code batchSize} rows in block
   * order, minibatch b being rows {@code [b·batchSize, min(rows, (b+1)·batchSize))}.
   */
  record Indexed(CsrBlock block, int batchSize, BatchRanks.Batch[] batches) {}
}
