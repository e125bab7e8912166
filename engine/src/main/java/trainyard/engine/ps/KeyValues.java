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

  /** Visits a shard's keys: {@link #forEach} given as a function. */
  interface Visit {
    void forEach(ServerShard.KeyValueVisitor visitor) throws IOException;
  }

  /** One shard: {@code keyCount} keys of {@code pullWidth} floats, which {@code visit} visits. */
  static KeyValues shard(int pullWidth, long keyCount, Visit visit) {
    return new Shard(pullWidth, keyCount, visit);
  }

  /** {@code shards}, in ascending key ranges and each of {@code pullWidth} floats a key, as one source. */
  static KeyValues of(int pullWidth, List<KeyValues> shards) {
    long keys = 0;
    for (KeyValues s : shards) {
      keys += s.keyCount();
    }
    return new Shards(pullWidth, keys, List.copyOf(shards));
  }

  /** What {@link #shard} makes. */
  record Shard(int pullWidth, long keyCount, Visit visit) implements KeyValues {
    @Override
    public void forEach(ServerShard.KeyValueVisitor visitor) throws IOException {
      visit.forEach(visitor);
    }
  }

  /** What {@link #of} makes. */
  record Shards(int pullWidth, long keyCount, List<KeyValues> shards) implements KeyValues {
    @Override
    public void forEach(ServerShard.KeyValueVisitor visitor) throws IOException {
      for (KeyValues s : shards) {
        s.forEach(visitor);
      }
    }
  }
}
