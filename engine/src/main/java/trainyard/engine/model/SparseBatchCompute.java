package trainyard.engine.model;

import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.Keys;

/**
 * What the sparse models' per-worker computes share: a minibatch's keys are its rows' feature
 * keys plus the bias key, numbered by the worker's {@link KeyDictionary} (built by {@link
 * #collect} over all its rows, once per job) and deduplicated by {@link BatchRanks}, with pull and
 * push buffers grown to fit. A block's entries are converted to ranks once ({@link #index}, on
 * the data stream's thread, which may keep the result with the block). Subclasses size the
 * buffers per key and write {@link #gradient()}. Not thread-safe, but {@link #index} only reads
 * the finished dictionary.
 */
abstract class SparseBatchCompute implements BatchCompute {
  private static final long BIAS_KEY = Keys.mix(Keys.BIAS_FEATURE);
  final Loss loss;
  private KeyDictionary dictionary;
  /** Set once the dictionary is finished: index() reads it from another thread. */
  private volatile KeyDictionary finished;
  BatchRanks dedup;
  float[] pull;
  float[] push;
  CsrBlock block;
  /** Per entry of {@link #block}: the rank of its key. */
  private int[] local;
  int[] order;
  int from;
  int to;
  /** Unique keys in the prepared minibatch. */
  int n;

  SparseBatchCompute(Loss loss, float[] pull, float[] push) {
    this.loss = loss;
    this.pull = pull;
    this.push = push;
  }

  @Override
  public final int prepare(CsrBlock block, int[] order, int from, int to) {
    if (block != this.block) {
      use(block, null);
    }
    this.order = order;
    this.from = from;
    this.to = to;
    n = dedup.batch(block, local, order, from, to);
    fit(n);
    return n;
  }

  /** Grows {@link #pull} and {@link #push} to hold {@code n} keys' values. */
  abstract void fit(int n);

  /** A new compute of the same model and settings, with no dictionary yet. */
  abstract SparseBatchCompute sibling();

  @Override
  public final BatchCompute twin() {
    dictionary();
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
      dictionary = new KeyDictionary();
      dictionary.add(BIAS_KEY);
    }
    dictionary.addAll(block);
    return true;
  }

  /** Finishes the dictionary (just the bias key when no row was collected) and returns its keys. */
  @Override
  public final long[] dictionary() {
    if (finished == null) {
      if (dictionary == null) {
        dictionary = new KeyDictionary();
        dictionary.add(BIAS_KEY);
      }
      dictionary.finish();
      dedup = new BatchRanks(dictionary, BIAS_KEY);
      finished = dictionary;
    }
    return finished.keys();
  }

  /** The block's entries as ranks in the worker's dictionary (a {@link Ranks}). */
  @Override
  public final Object index(CsrBlock block) {
    KeyDictionary d = finished;
    if (d == null) {
      throw new IllegalStateException("collect the worker's keys and call dictionary() before indexing blocks");
    }
    return new Ranks(block, d.ranks(block));
  }

  @Override
  public final void use(CsrBlock block, Object index) {
    if (finished == null) {
      dictionary();
    }
    this.local = null; // the old block's ranks can go before the new ones are built
    this.local = index instanceof Ranks r && r.block() == block ? r.local() : finished.ranks(block);
    this.block = block;
  }

  @Override
  public final long[] keys() {
    return dedup.keys();
  }

  @Override
  public final int[] ranks() {
    return dedup.ranks();
  }

  @Override
  public final float[] pullBuffer() {
    return pull;
  }

  @Override
  public final float[] pushBuffer() {
    return push;
  }

  /** A block's entries as ranks in the worker's dictionary: what {@link #index} builds. */
  record Ranks(CsrBlock block, int[] local) {}
}
