package trainyard.scheduler.study;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Asynchronous successive halving (Li et al. 2020, "A system for massively parallel hyperparameter
 * tuning"; Determined's {@code stop_once} variant): trials drawn as {@link RandomSearch} draws
 * them run for up to {@code maxEpochs}; rungs lie at r, r·η, r·η², … epochs below that. A trial that reports its
 * objective at a rung is promoted (trains on) if its {@link #projected} value ranks in the top
 * ⌊n/η⌋ (at least one) of the n trials that have reached the rung so far, and stopped there
 * otherwise. Nobody waits for a rung to fill, so a free slot never idles; a trial's decision at a
 * rung is made once and recorded ({@link Trial#rungsPassed}), never revisited.
 */
public record Asha(SearchSpace space, long seed, int trials, Objective objective, int minEpochs, int eta,
    int maxEpochs) implements Search {
  public Asha {
    if (trials < 1) {
      throw new IllegalArgumentException("trials must be >= 1, got " + trials);
    }
    if (eta < 2) {
      throw new IllegalArgumentException("eta must be >= 2, got " + eta);
    }
    if (minEpochs < 1 || minEpochs >= maxEpochs) {
      throw new IllegalArgumentException("minEpochs must be in 1.." + (maxEpochs - 1) + " (below the spec's "
          + maxEpochs + " epochs), got " + minEpochs);
    }
  }

  /** The epochs at which trials are compared: r, r·η, … while below maxEpochs. */
  public List<Integer> rungs() {
    List<Integer> rungs = new ArrayList<>();
    for (long e = minEpochs; e < maxEpochs; e *= eta) {
      rungs.add((int) e);
    }
    return rungs;
  }

  @Override
  public Map<String, Object> paramsOf(int index) {
    return space.sample(seed, index, trials);
  }

  @Override
  public Decision next(List<Trial> trials, int maxParallel) {
    List<Integer> rungs = rungs();
    Set<Integer> stop = new LinkedHashSet<>();
    Map<Integer, Integer> promoted = new HashMap<>();
    for (Trial t : trials) {
      if (t.status() != Trial.Status.RUNNING) {
        continue;
      }
      int passed = t.rungsPassed();
      while (passed < rungs.size() && t.values().containsKey(rungs.get(passed))) {
        if (!inTopFraction(t, rungs.get(passed), trials)) {
          stop.add(t.index());
          break;
        }
        passed++;
      }
      if (passed > t.rungsPassed()) {
        promoted.put(t.index(), passed);
      }
    }
    return Search.launchUpTo(this, trials, maxParallel, stop, promoted);
  }

  /** Whether {@code t}'s projection from {@code epoch} ranks in the top ⌊n/η⌋ (≥ 1) of the n trials there. */
  private boolean inTopFraction(Trial t, int epoch, List<Trial> trials) {
    double mine = projected(t, epoch);
    int reached = 0;
    int ahead = 0;
    for (Trial other : trials) {
      if (!other.values().containsKey(epoch)) {
        continue;
      }
      reached++;
      int c = objective.order().compare(projected(other, epoch), mine);
      if (c < 0 || (c == 0 && other.index() < t.index())) {
        ahead++;
      }
    }
    return ahead < Math.max(1, reached / eta);
  }

  /**
   * Where {@code t} would end if it kept changing as it did up to {@code epoch}: its value there
   * plus its last change per epoch times the epochs left to {@code maxEpochs} (the value alone at
   * its first reported epoch, which has nothing before it). Ranked by value alone, a slow starter (a low learning
   * rate, still improving fast) loses at an early rung to a fast starter that has levelled off or
   * begun to overfit, and is stopped before it overtakes; the straight line favours the one still
   * improving and holds the overfitting one back. It only ranks, so it may leave the metric's range.
   */
  double projected(Trial t, int epoch) {
    double value = t.values().get(epoch);
    SortedMap<Integer, Double> before = t.values().headMap(epoch);
    if (before.isEmpty()) {
      return value;
    }
    int previous = before.lastKey();
    return value + (value - before.get(previous)) / (epoch - previous) * (maxEpochs - epoch);
  }
}
