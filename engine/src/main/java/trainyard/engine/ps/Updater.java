package trainyard.engine.ps;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * How a server keeps the state of one key and how a pushed gradient changes it (DiFacto's
 * Updater). State is a flat record of {@link #stateWidth()} floats at {@code state[off..]}.
 *
 * <p>A server shard calls its updater from one thread at a time; an implementation with mutable
 * fields of its own (an embedding arena) must be created once per shard. Stateless updaters may
 * be shared.
 */
public interface Updater {
  /** Floats of server state per key. */
  int stateWidth();

  /** Floats a pull returns per key. */
  int pullWidth();

  /** Floats a push carries per key. */
  int pushWidth();

  /** Fills a fresh record; must depend only on {@code key}, so every run starts the same. */
  void init(long key, float[] state, int off);

  /**
   * Applies the gradient {@code grad[goff .. goff+pushWidth)} to the record, with the optimizer's
   * learning rate times {@code rate}: the schedule's factor at the pushing worker's step (1 for a
   * constant rate, which must leave the update bit for bit as without a factor).
   */
  void apply(long key, float[] grad, int goff, float[] state, int off, float rate);

  /** Writes the {@link #pullWidth()} values a worker sees into {@code out[ooff..]}. */
  void read(long key, float[] state, int off, float[] out, int ooff);

  /** Saves state kept outside the records (checkpoints); nothing by default. */
  default void saveExtra(DataOutput out) throws IOException {}

  /** Restores what {@link #saveExtra} wrote. */
  default void loadExtra(DataInput in) throws IOException {}

  /** Bytes held outside the records (memory reports). */
  default long extraBytes() {
    return 0;
  }
}
