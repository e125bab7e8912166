package trainyard.engine.model;

import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.BatchKeys;
import trainyard.engine.ps.Keys;

/**
 * What the sparse models' per-worker computes share: a minibatch's keys are its rows' feature
 * keys plus the bias key, deduplicated by {@link BatchKeys}, with pull and push buffers grown to
 * fit. Subclasses size the buffers per key and write {@link #gradient()}. Not thread-safe.
 */
abstract class SparseBatchCompute implements BatchCompute {
  private static final long BIAS_KEY = Keys.mix(Keys.BIAS_FEATURE);
  final Loss loss;
  BatchKeys dedup;
  float[] pull;
  float[] push;
  CsrBlock block;
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
    this.block = block;
    this.order = order;
    this.from = from;
    this.to = to;
    n = keysOf(block).batch(order, from, to);
    fit(n);
    return n;
  }

  /** Grows {@link #pull} and {@link #push} to hold {@code n} keys' values. */
  abstract void fit(int n);

  private BatchKeys keysOf(CsrBlock block) {
    if (dedup == null || dedup.block() != block) {
      dedup = null; // the old block's index can go before the new one is built
      dedup = new BatchKeys(block, BIAS_KEY);
    }
    return dedup;
  }

  /** The block's {@link BatchKeys}: its key dictionary and per-entry ranks. */
  @Override
  public final Object index(CsrBlock block) {
    return new BatchKeys(block, BIAS_KEY);
  }

  @Override
  public final void use(CsrBlock block, Object index) {
    if (index instanceof BatchKeys k && k.block() == block) {
      dedup = k;
    } else {
      keysOf(block);
    }
    this.block = block;
  }

  @Override
  public final long[] keys() {
    return dedup.keys();
  }

  @Override
  public final long[] dictionary(CsrBlock block) {
    return keysOf(block).dictionary();
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
}
