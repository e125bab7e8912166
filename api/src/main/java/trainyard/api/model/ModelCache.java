package trainyard.api.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loaded models by id, bounded in bytes: the least recently used go first, and one bigger than
 * the whole budget is not kept. Thread-safe.
 */
final class ModelCache<M> {
  private final long budget;
  private final Map<String, Entry<M>> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  private record Entry<M>(M model, long bytes) {}

  ModelCache(long budget) {
    this.budget = budget;
  }

  synchronized M get(String id) {
    Entry<M> e = entries.get(id);
    return e == null ? null : e.model();
  }

  /** Keeps {@code model} of {@code size} bytes, unless it alone is past the budget. */
  synchronized void put(String id, M model, long size) {
    if (size > budget) {
      return;
    }
    Entry<M> before = entries.put(id, new Entry<>(model, size));
    bytes += size - (before == null ? 0 : before.bytes());
    for (var eldest = entries.values().iterator(); bytes > budget; ) {
      bytes -= eldest.next().bytes();
      eldest.remove();
    }
  }

  /** Forgets model {@code id} (deleted). */
  synchronized void remove(String id) {
    Entry<M> e = entries.remove(id);
    if (e != null) {
      bytes -= e.bytes();
    }
  }

  /** The ids kept, least recently used first. */
  synchronized List<String> ids() {
    return new ArrayList<>(entries.keySet());
  }

  synchronized long bytes() {
    return bytes;
  }
}
