package trainyard.engine.model;

import java.io.IOException;
import java.nio.file.Path;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.KeyValues;
import trainyard.engine.ps.Updater;

/**
 * What a learning algorithm supplies to the training loop (DiFacto's split): where its keys
 * live, the rule servers apply, the forward/backward pass of a worker, and how the servers'
 * state becomes a {@link Model}. The loop itself never owns weights.
 *
 * <p>Implementations are immutable and thread-safe; {@link #newCompute()} gives each worker
 * thread its own buffers.
 */
public interface Algorithm {
  /** linear, fm or mlp. */
  String name();

  KeyRanges keyRanges(int servers);

  /** A rule for one server shard. */
  Updater newUpdater();

  /** Keys the servers will hold, roughly, to size their tables. */
  long expectedKeys();

  BatchCompute newCompute();

  /**
   * Validation scored where the model lives, in shares that each process adds up over its own
   * shards; null when only an exported model can be validated (mlp).
   */
  default ScoreShares scoreShares() {
    return null;
  }

  /**
   * Reads the servers' state into a model: from the servers (only while no request is in
   * flight) or from a checkpoint's shard files. A sparse model is written to {@code file} shard
   * by shard and returned as stored there ({@link Model#stored}), never whole in the heap; a
   * dense one (mlp, sized by its layers) is built in the heap and {@code file} left alone.
   */
  Model export(KeyValues values, ModelInfo info, Path file) throws IOException;
}
