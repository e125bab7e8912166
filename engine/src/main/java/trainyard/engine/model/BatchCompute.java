package trainyard.engine.model;

import trainyard.engine.data.CsrBlock;
import trainyard.engine.ps.KeyRanges;

/**
 * One worker's forward/backward pass over a minibatch, with buffers reused from batch to batch.
 * The loop calls {@link #prepare}, pulls {@link #keys()} into {@link #pullBuffer()}, calls
 * {@link #gradient()} and pushes {@link #pushBuffer()}.
 *
 * <p>Not thread-safe: one per worker thread.
 */
public interface BatchCompute {
  /**
   * Takes rows {@code order[from..to)} of {@code block} as the next minibatch and returns how
   * many unique keys it needs; {@link #keys()} then holds them, ascending (with a dictionary: in
   * the order of {@link #ranks()}).
   */
  int prepare(CsrBlock block, int[] order, int from, int to);

  long[] keys();

  /**
   * First pass over the worker's rows, block by block, before its first minibatch: adds the keys
   * the rows of {@code block} touch to the worker's key dictionary. Returns false when the
   * compute keeps no dictionary (dense models), and the pass may stop.
   */
  default boolean collect(CsrBlock block) {
    return false;
  }

  /**
   * After the first pass: the worker's keys (every key its rows can touch), grouped by the
   * server of {@code ranges} that holds them as {@code KVWorker.register} wants, for the worker to
   * register with the servers once per job; afterwards the loop addresses a batch's keys by
   * {@link #ranks()}. Null (the default) when the compute has no such list: the loop sends
   * {@link #keys()}.
   */
  default long[] dictionary(KeyRanges ranges) {
    return null;
  }

  /**
   * After {@link #dictionary}: what {@link #prepare} would otherwise build for {@code block}'s
   * minibatches of {@code batchSize} rows in block order (sparse models: their de-duplicated keys
   * as ranks in the dictionary), built ahead so that a data stream can do it on its read-ahead
   * thread, and keep it with the block for later epochs. Thread-safe. Null (the default) when
   * the compute keeps nothing per block.
   */
  default Object index(CsrBlock block, int batchSize) {
    return null;
  }

  /**
   * Announces that the next minibatches come from {@code block}, with {@code index} from
   * {@link #index}(block, …) or null; the compute may drop what it kept for earlier blocks.
   */
  default void use(CsrBlock block, Object index) {}

  /**
   * After {@link #dictionary}: a second compute for the same worker thread, sharing this one's
   * dictionary but with buffers of its own, so that the loop can prepare and pull the next
   * minibatch while this one computes. Null (the default) when the compute has none: the loop
   * then pulls one minibatch at a time.
   */
  default BatchCompute twin() {
    return null;
  }

  /** After {@link #dictionary}: the prepared batch's keys as positions in it, ascending. */
  default int[] ranks() {
    throw new UnsupportedOperationException("this compute has no key dictionary");
  }

  /** Where the pull of {@link #keys()} must land. */
  float[] pullBuffer();

  /**
   * Forward and backward over the prepared minibatch with the pulled values; fills
   * {@link #pushBuffer()} with the gradient of the mean loss and returns the summed loss.
   */
  double gradient();

  float[] pushBuffer();
}
