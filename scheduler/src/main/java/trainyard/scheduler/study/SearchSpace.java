package trainyard.scheduler.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
   * index, trials), so a study run again, or its driver restarted, draws the same trials.
   */
  public Map<String, Object> sample(long seed, int index, int trials) {
    if (index < 0 || index >= trials) {
      throw new IllegalArgumentException("index must be in 0.." + (trials - 1) + ", got " + index);
    }
    return design(seed, trials).get(index);
  }

  /**
   * The {@code trials} points {@link #sample} draws: a sliced Latin hypercube (Qian 2012). Each
   * choice's values are split evenly, in random order. Each range's scale is cut into
   * {@code trials} equal strata, one trial in each, and the trials that share their choices (a
   * slice of the design: all the fm trials, say) also cover the range evenly among themselves:
   * with 8 of 16 trials each, fm and linear each get one trial in every eighth of the learning
   * rate. A plain Latin hypercube pairs a choice with a range at random, so fm may get no low rate
   * at all. Ranges are paired with each other at random.
   */
  private List<Map<String, Object>> design(long seed, int trials) {
    SplittableRandom random = new SplittableRandom(seed);
    Object[][] values = new Object[parameters.size()][];
    List<List<Object>> choices = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      choices.add(new ArrayList<>());
    }
    for (int p = 0; p < parameters.size(); p++) {
      if (parameters.get(p) instanceof Parameter.Choice) {
        values[p] = latin(parameters.get(p), strata(random, trials), random);
        for (int i = 0; i < trials; i++) {
          choices.get(i).add(values[p][i]);
        }
      }
    }
    for (int p = 0; p < parameters.size(); p++) {
      if (parameters.get(p) instanceof Parameter.Range) {
        values[p] = latin(parameters.get(p), sliced(random, choices), random);
      }
    }
    List<Map<String, Object>> design = new ArrayList<>(trials);
    for (int i = 0; i < trials; i++) {
      Map<String, Object> point = new LinkedHashMap<>();
      for (int p = 0; p < parameters.size(); p++) {
        point.put(parameters.get(p).name(), values[p][i]);
      }
      design.add(point);
    }
    return design;
  }

  /** Each trial's value of {@code p}, at a random place in its stratum (one of strata.length). */
  private static Object[] latin(Parameter p, int[] strata, SplittableRandom random) {
    Object[] values = new Object[strata.length];
    for (int i = 0; i < strata.length; i++) {
      values[i] = p.at((strata[i] + random.nextDouble()) / strata.length);
    }
    return values;
  }

  /** 0 … n-1 shuffled (Fisher–Yates): trial i's stratum of one parameter. */
  private static int[] strata(SplittableRandom random, int n) {
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

  /**
   * Strata 0 … n-1, one a trial, such that the trials of each slice (those with equal
   * {@code slices} entries: the same choices) spread evenly too: each slice of m trials draws a
   * Latin position in [0, 1) for each of its trials (one in each m-th), and the n positions,
   * ranked, are the strata. With k equal slices this is Qian's construction: the j-th m-th of the
   * scale holds one trial of each slice; unequal slices come close.
   */
  private static int[] sliced(SplittableRandom random, List<List<Object>> slices) {
    int n = slices.size();
    Map<List<Object>, List<Integer>> members = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      members.computeIfAbsent(slices.get(i), k -> new ArrayList<>()).add(i);
    }
    double[] position = new double[n];
    for (List<Integer> slice : members.values()) {
      int[] order = strata(random, slice.size());
      for (int j = 0; j < slice.size(); j++) {
        position[slice.get(j)] = (order[j] + random.nextDouble()) / slice.size();
      }
    }
    Integer[] byPosition = new Integer[n];
    for (int i = 0; i < n; i++) {
      byPosition[i] = i;
    }
    Arrays.sort(byPosition, Comparator.comparingDouble(i -> position[i]));
    int[] strata = new int[n];
    for (int r = 0; r < n; r++) {
      strata[byPosition[r]] = r;
    }
    return strata;
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
