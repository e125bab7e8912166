package trainyard.scheduler.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The parameters a study searches, in order. Immutable. */
public record SearchSpace(List<Parameter> parameters) {
  public SearchSpace {
    parameters = List.copyOf(parameters);
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("a search space needs at least one parameter");
    }
  }

  /**
   * Trial {@code index}'s values, a pure function of (seed, index): a study run again, or its
   * driver restarted, draws the same trials.
   */
  public Map<String, Object> sample(long seed, int index) {
    // SplittableRandom mixes its seed, so neighbouring indexes draw unrelated values
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    Map<String, Object> values = new LinkedHashMap<>();
    for (Parameter p : parameters) {
      values.put(p.name(), p.sample(random));
    }
    return values;
  }

  /** Every combination of the parameters' grid values, the last parameter varying fastest. */
  public List<Map<String, Object>> grid() {
    List<Map<String, Object>> points = new ArrayList<>(List.of(new LinkedHashMap<>()));
    for (Parameter p : parameters) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> point : points) {
        for (Object v : p.grid()) {
          Map<String, Object> extended = new LinkedHashMap<>(point);
          extended.put(p.name(), v);
          next.add(extended);
        }
      }
      points = next;
    }
    return points;
  }

  /** How many points {@link #grid} has, without building them (saturates at Long.MAX_VALUE). */
  public long gridSize() {
    long size = 1;
    for (Parameter p : parameters) {
      size = Math.multiplyHigh(size, p.grid().size()) != 0 ? Long.MAX_VALUE : size * p.grid().size();
    }
    return size;
  }
}
