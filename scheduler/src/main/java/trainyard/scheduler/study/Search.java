package trainyard.scheduler.study;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A search method as a pure function: the study's trials in, what to do next out. It keeps no
 * state of its own, so a driver that lost everything but the trials (a restart) decides the same.
 * Trials are given in index order, 0 … n-1, and are launched in that order.
 */
public sealed interface Search permits RandomSearch, GridSearch, Asha {
  /** How many trials the study runs in all. */
  int trials();

  /** The parameters of trial {@code index}. */
  Map<String, Object> paramsOf(int index);

  /** What to do now, with at most {@code maxParallel} trials running. */
  default Decision next(List<Trial> trials, int maxParallel) {
    return launchUpTo(this, trials, maxParallel, List.of(), Map.of());
  }

  /**
   * Launches new trials while fewer than {@code maxParallel} run (those being stopped no longer
   * count) and the budget allows; finished once every trial has been launched and none runs.
   */
  static Decision launchUpTo(Search search, List<Trial> trials, int maxParallel, Collection<Integer> stop,
      Map<Integer, Integer> promoted) {
    if (maxParallel < 1) {
      throw new IllegalArgumentException("maxParallel must be >= 1, got " + maxParallel);
    }
    long running = trials.stream()
        .filter(t -> t.status() == Trial.Status.RUNNING && !stop.contains(t.index())).count();
    List<Decision.Launch> launch = new ArrayList<>();
    for (int i = trials.size(); i < search.trials() && running < maxParallel; i++, running++) {
      launch.add(new Decision.Launch(i, search.paramsOf(i)));
    }
    boolean finished = trials.size() == search.trials() && running == 0;
    return new Decision(launch, List.copyOf(stop), promoted, finished);
  }
}
