package trainyard.scheduler.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
   *
   * <p>The {@code trials} points form a sliced Latin hypercube (Qian 2012). Each choice's values
   * are split evenly, in random order. Each range's scale is cut into {@code trials} equal strata,
   * one trial in each, and the trials that share their choices (a slice of the design: all the fm
   * trials, say) also cover the range evenly among themselves: with 8 of 16 trials each, fm and
   * linear each get one trial in every eighth of the learning rate. A plain Latin hypercube pairs
   * a choice with a range at random, so fm may get no low rate at all. Ranges are paired with each
   * other at random.
   */
  public Map<String, Object> sample(long seed, int index, int trials) {
    if (index < 0 || index >= trials) {
      throw new IllegalArgumentException("index must be in 0.." + (trials - 1) + ", got " + index);
    }
    SplittableRandom random = new SplittableRandom(seed);
    Object[] mine = new Object[parameters.size()];
    int[] slice = new int[trials]; // each trial's choices so far, numbered in order of appearance
    for (int p = 0; p < parameters.size(); p++) {
      if (parameters.get(p) instanceof Parameter.Choice choice) {
        double[] u = latin(random, strata(random, trials));
        Map<Long, Integer> slices = new HashMap<>();
        for (int i = 0; i < trials; i++) {
          long key = (long) slice[i] * choice.values().size() + choice.values().indexOf(choice.at(u[i]));
          slice[i] = slices.computeIfAbsent(key, k -> slices.size());
        }
        mine[p] = choice.at(u[index]);
      }
    }
    for (int p = 0; p < parameters.size(); p++) {
      if (parameters.get(p) instanceof Parameter.Range) {
        mine[p] = parameters.get(p).at(latin(random, sliced(random, slice))[index]);
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (int p = 0; p < parameters.size(); p++) {
      values.put(parameters.get(p).name(), mine[p]);
    }
    return values;
  }

  /** Each trial's fraction of a scale: a random place in its stratum (one of strata.length). */
  private static double[] latin(SplittableRandom random, int[] strata) {
    double[] u = new double[strata.length];
    for (int i = 0; i < strata.length; i++) {
      u[i] = (strata[i] + random.nextDouble()) / strata.length;
    }
    return u;
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
   * Strata 0 … n-1, one a trial, such that the trials of each slice ({@code slice[i]}: trial i's
   * choices, numbered 0, 1, … in order of appearance) spread evenly too: each slice of m trials
   * draws a Latin position in [0, 1) for each of its trials (one in each m-th), and the n
   * positions, ranked, are the strata. With k equal slices this is Qian's construction: the j-th
   * m-th of the scale holds one trial of each slice; unequal slices come close.
   */
  private static int[] sliced(SplittableRandom random, int[] slice) {
    int n = slice.length;
    List<List<Integer>> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (slice[i] == members.size()) {
        members.add(new ArrayList<>());
      }
      members.get(slice[i]).add(i);
    }
    double[] position = new double[n];
    for (List<Integer> trialsOfSlice : members) {
      double[] u = latin(random, strata(random, trialsOfSlice.size()));
      for (int j = 0; j < u.length; j++) {
        position[trialsOfSlice.get(j)] = u[j];
      }
    }
    double[] sorted = position.clone();
    Arrays.sort(sorted);
    int[] strata = new int[n];
    for (int i = 0; i < n; i++) {
      strata[i] = Arrays.binarySearch(sorted, position[i]);
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
