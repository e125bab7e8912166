package trainyard.engine.ps;

import java.io.IOException;
import java.util.List;

/**
 * Keys with their pulled values, visited once, shard by shard: a parameter server's local shards,
 * or a checkpoint's shard files. What a model is exported from.
 */
public interface KeyValues {
  /** Floats a key's values hold. */
  int pullWidth();

  /** Keys {@link #forEach} visits. */
  long keyCount();

  /** Calls {@code visitor} with every key and its values; the values array is reused between calls. */
  void forEach(ServerShard.KeyValueVisitor visitor) throws IOException;

  /**
   * The same keys split by server shard, in ascending key ranges, so that an export holds one
   * shard at a time (keys are in no order within a shard). By default one part, all of them.
   */
  default List<KeyValues> shards() {
    return List.of(this);
  }
}
