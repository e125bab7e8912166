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
   * Trial {@code index}'s values among {@code trials} drawn together, a pure function of (seed,
   * index, trials), so a study run again, or its driver restarted, draws the same trials. The draw
   * is stratified (a Latin hypercube): each parameter's scale is cut into {@code trials} equal
   * slices and every slice holds exactly one trial, at a random place in it, the slices of
   * different parameters paired at random. Sixteen independent draws leave gaps and clumps on
   * each axis; these cover it evenly (and split a choice's values evenly), at no cost in
   * randomness of the pairing.
   */
  public Map<String, Object> sample(long seed, int index, int trials) {
    if (index < 0 || index >= trials) {
      throw new IllegalArgumentException("index must be in 0.." + (trials - 1) + ", got " + index);
    }
    // SplittableRandom mixes its seed, so neighbouring indexes draw unrelated values
    SplittableRandom jitter = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    Map<String, Object> values = new LinkedHashMap<>();
    for (int p = 0; p < parameters.size(); p++) {
      int slice = slices(new SplittableRandom(seed * 0x9E3779B97F4A7C15L - p - 1), trials)[index];
      values.put(parameters.get(p).name(), parameters.get(p).at((slice + jitter.nextDouble()) / trials));
    }
    return values;
  }

  /** 0 … n-1 shuffled (Fisher–Yates): trial i's slice of one parameter. */
  private static int[] slices(SplittableRandom random, int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
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
