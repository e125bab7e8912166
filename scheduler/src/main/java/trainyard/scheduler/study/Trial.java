package trainyard.scheduler.study;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A trial as a search method sees it.
 *
 * @param index      0, 1, … in launch order
 * @param values     the objective metric per epoch (1-based) reported so far
 * @param rungsPassed how many ASHA rungs it was promoted past (0 for other methods)
 */
public record Trial(int index, Map<String, Object> params, Status status, SortedMap<Integer, Double> values,
    int rungsPassed) {
  /** RUNNING: launched and not ended (queued, placed or training). STOPPED: ended early by the search. */
  public enum Status { RUNNING, SUCCEEDED, FAILED, CANCELLED, STOPPED }

  public Trial {
    params = Map.copyOf(params);
    values = new TreeMap<>(values);
  }

  /** The last value reported, or null. */
  public Double last() {
    return values.isEmpty() ? null : values.get(values.lastKey());
  }
}
