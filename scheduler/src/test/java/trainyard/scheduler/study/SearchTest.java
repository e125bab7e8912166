package trainyard.scheduler.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SearchTest {
  private static final Parameter RATE = new Parameter.Range("params.learningRate", 0.001, 1, true, false, 4);
  private static final Parameter DIM = new Parameter.Range("params.dim", 2, 16, false, true, 3);
  private static final Parameter ALGORITHM = new Parameter.Choice("algorithm", List.of("linear", "fm"));
  private static final SearchSpace SPACE = new SearchSpace(List.of(RATE, DIM, ALGORITHM));

  private static Trial running(int index, Map<Integer, Double> values, int rungsPassed) {
    return new Trial(index, Map.of(), Trial.Status.RUNNING, new TreeMap<>(values), rungsPassed);
  }

  private static Trial ended(int index, Trial.Status status, Map<Integer, Double> values) {
    return new Trial(index, Map.of(), status, new TreeMap<>(values), 0);
  }

  @Test
  void randomIsReproducibleBySeedAndStaysInTheSpace() {
    RandomSearch a = new RandomSearch(SPACE, 42, 50);
    RandomSearch b = new RandomSearch(SPACE, 42, 50);
    RandomSearch other = new RandomSearch(SPACE, 43, 50);
    Set<Object> algorithms = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      Map<String, Object> p = a.paramsOf(i);
      assertEquals(p, b.paramsOf(i));
      double rate = (Double) p.get("params.learningRate");
      long dim = (Long) p.get("params.dim");
      assertTrue(rate >= 0.001 && rate <= 1, "rate " + rate);
      assertTrue(dim >= 2 && dim <= 16, "dim " + dim);
      algorithms.add(p.get("algorithm"));
    }
    assertEquals(Set.of("linear", "fm"), algorithms);
    assertNotEquals(a.paramsOf(0), other.paramsOf(0));
  }

  @Test
  void logScaleSpreadsOverDecades() {
    int below = 0;
    for (int i = 0; i < 1000; i++) {
      if ((Double) SPACE.sample(7, i, 1000).get("params.learningRate") < 0.01) {
        below++;
      }
    }
    // a third of log10 range [-3, 0] lies below 0.01 (a linear scale would put 1% there); one
    // trial a slice: 333 slices lie wholly below it, the 334th straddles it
    assertTrue(below == 333 || below == 334, "below 0.01: " + below);
  }

  @Test
  void drawsAreStratifiedOneTrialASlice() {
    for (long seed = 1; seed <= 5; seed++) {
      RandomSearch random = new RandomSearch(SPACE, seed, 16);
      boolean[] slices = new boolean[16];
      int linear = 0;
      for (int i = 0; i < 16; i++) {
        double rate = (Double) random.paramsOf(i).get("params.learningRate");
        slices[(int) (16 * position(rate))] = true;
        linear += random.paramsOf(i).get("algorithm").equals("linear") ? 1 : 0;
      }
      for (int s = 0; s < 16; s++) {
        assertTrue(slices[s], "seed " + seed + ": no trial in sixteenth " + s + " of the learning rate's log scale");
      }
      assertEquals(8, linear, "seed " + seed + ": a choice's values split evenly");
    }
    assertThrows(IllegalArgumentException.class, () -> SPACE.sample(1, 16, 16));
  }

  @Test
  void eachChoiceCoversEveryRangeEvenly() {
    for (long seed = 1; seed <= 10; seed++) {
      RandomSearch random = new RandomSearch(SPACE, seed, 16);
      Map<Object, boolean[]> eighths = Map.of("linear", new boolean[8], "fm", new boolean[8]);
      for (int i = 0; i < 16; i++) {
        Map<String, Object> p = random.paramsOf(i);
        eighths.get(p.get("algorithm"))[(int) (8 * position((Double) p.get("params.learningRate")))] = true;
      }
      eighths.forEach((algorithm, covered) -> {
        for (int e = 0; e < 8; e++) {
          assertTrue(covered[e], algorithm + ": no trial in eighth " + e + " of the learning rate");
        }
      });
    }
  }

  @Test
  void unevenChoicesStillDrawOneTrialAStratum() {
    SearchSpace three = new SearchSpace(List.of(RATE,
        new Parameter.Choice("algorithm", List.of("linear", "fm", "mlp"))));
    for (long seed = 1; seed <= 10; seed++) {
      RandomSearch random = new RandomSearch(three, seed, 10);
      Set<Integer> tenths = new HashSet<>();
      Map<Object, Integer> perChoice = new HashMap<>();
      for (int i = 0; i < 10; i++) {
        tenths.add((int) (10 * position((Double) random.paramsOf(i).get("params.learningRate"))));
        perChoice.merge(random.paramsOf(i).get("algorithm"), 1, Integer::sum);
      }
      assertEquals(10, tenths.size(), "seed " + seed + ": one trial in each tenth of the learning rate");
      assertTrue(perChoice.values().stream().allMatch(c -> c == 3 || c == 4), "seed " + seed + ": " + perChoice);
    }
  }

  /** Where {@code rate} lies on RATE's log scale, 0..1. */
  private static double position(double rate) {
    return Math.min(0.999999, Math.log(rate / 0.001) / Math.log(1000));
  }

  @Test
  void gridCoversEveryCombinationOnce() {
    GridSearch grid = new GridSearch(SPACE);
    assertEquals(4 * 3 * 2, grid.trials());
    assertEquals(24, SPACE.gridSize());
    assertEquals(List.of(0.001, 0.01, 0.1, 1.0), RATE.grid().stream()
        .map(v -> Math.round((Double) v * 1000) / 1000.0).toList());
    assertEquals(List.of(2L, 9L, 16L), DIM.grid());
    Set<Map<String, Object>> seen = new HashSet<>();
    for (int i = 0; i < grid.trials(); i++) {
      seen.add(grid.paramsOf(i));
    }
    assertEquals(24, seen.size());
    for (Object rate : RATE.grid()) {
      for (Object dim : DIM.grid()) {
        for (Object algorithm : ALGORITHM.grid()) {
          assertTrue(seen.contains(Map.of("params.learningRate", rate, "params.dim", dim, "algorithm", algorithm)));
        }
      }
    }
  }

  @Test
  void launchesUpToMaxParallelAndFinishesWhenAllEnded() {
    GridSearch grid = new GridSearch(new SearchSpace(List.of(ALGORITHM, new Parameter.Choice("x", List.of(1, 2)))));
    Decision first = grid.next(List.of(), 3);
    assertEquals(List.of(0, 1, 2), first.launch().stream().map(Decision.Launch::index).toList());
    assertFalse(first.finished());
    List<Trial> three = List.of(ended(0, Trial.Status.SUCCEEDED, Map.of(1, 0.5)), running(1, Map.of(), 0),
        running(2, Map.of(), 0));
    assertEquals(List.of(3), grid.next(three, 3).launch().stream().map(Decision.Launch::index).toList());
    List<Trial> all = List.of(ended(0, Trial.Status.SUCCEEDED, Map.of()), ended(1, Trial.Status.FAILED, Map.of()),
        ended(2, Trial.Status.SUCCEEDED, Map.of()), running(3, Map.of(), 0));
    Decision waiting = grid.next(all, 3);
    assertTrue(waiting.launch().isEmpty());
    assertFalse(waiting.finished());
    List<Trial> done = new ArrayList<>(all.subList(0, 3));
    done.add(ended(3, Trial.Status.SUCCEEDED, Map.of()));
    assertTrue(grid.next(done, 3).finished());
  }

  @Test
  void ashaRungsAreGeometric() {
    assertEquals(List.of(1, 3, 9), asha(1, 3, 27).rungs());
    assertEquals(List.of(1, 3), asha(1, 3, 9).rungs());
    assertEquals(List.of(2, 4, 8), asha(2, 2, 10).rungs());
    assertThrows(IllegalArgumentException.class, () -> asha(3, 3, 3));
  }

  private static Asha asha(int minEpochs, int eta, int maxEpochs) {
    return new Asha(SPACE, 1, 9, new Objective("val_logloss", false), minEpochs, eta, maxEpochs);
  }

  @Test
  void ashaPromotesTheTopThirdOfARungAndStopsTheRest() {
    Asha asha = asha(1, 3, 9); // rungs at 1 and 3 epochs
    // the first to reach a rung is promoted: there is nobody to beat
    Decision d = asha.next(List.of(running(0, Map.of(1, 0.50), 0)), 4);
    assertEquals(Map.of(0, 1), d.promoted());
    assertEquals(List.of(), d.stop());
    // trial 1 reaches rung 1 worse than trial 0: top ⌊2/3⌋ → 1 trial, it is second: stopped
    List<Trial> two = List.of(running(0, Map.of(1, 0.50), 1), running(1, Map.of(1, 0.60), 0));
    d = asha.next(two, 4);
    assertEquals(List.of(1), d.stop());
    assertEquals(Map.of(), d.promoted());
    // trial 2 is better than both: promoted; trials 0 and 1 are not decided again
    List<Trial> three = List.of(running(0, Map.of(1, 0.50), 1), ended(1, Trial.Status.STOPPED, Map.of(1, 0.60)),
        running(2, Map.of(1, 0.40), 0));
    d = asha.next(three, 4);
    assertEquals(Map.of(2, 1), d.promoted());
    assertEquals(List.of(), d.stop());
    // six at rung 1: the top ⌊6/3⌋ = 2 go on; trial 5 is third
    List<Trial> six = List.of(running(0, Map.of(1, 0.50), 1), ended(1, Trial.Status.STOPPED, Map.of(1, 0.60)),
        running(2, Map.of(1, 0.40), 1), ended(3, Trial.Status.STOPPED, Map.of(1, 0.70)),
        running(4, Map.of(1, 0.45), 0), running(5, Map.of(1, 0.48), 0));
    d = asha.next(six, 4);
    assertEquals(Map.of(4, 1), d.promoted());
    assertEquals(List.of(5), d.stop());
  }

  @Test
  void ashaDecidesSeveralRungsAtOnceAndMaximizes() {
    Asha asha = new Asha(SPACE, 1, 9, new Objective("val_auc", true), 1, 2, 8); // rungs 1, 2, 4
    List<Trial> trials = List.of(
        running(0, Map.of(1, 0.70, 2, 0.72, 4, 0.74), 3),
        running(1, Map.of(1, 0.80, 2, 0.81, 4, 0.70), 0)); // better at 1 and 2, worse at 4
    Decision d = asha.next(trials, 2);
    assertEquals(List.of(1), d.stop());
    assertEquals(Map.of(1, 2), d.promoted());
    assertEquals(List.of(2), d.launch().stream().map(Decision.Launch::index).toList(),
        "the stopped trial's slot is free at once");
  }

  @Test
  void ashaKeepsASlowStarterStillImprovingFastOverALeaderThatLevelledOff() {
    Asha asha = asha(2, 2, 9); // rungs 2, 4, 8
    // trial 0 starts fast and has levelled off (0.480 → 0.479: projected 0.479 − 7·0.001 = 0.472);
    // trial 1, a low learning rate, is behind at epoch 2 but still falls fast (0.500 − 7·0.02 = 0.360)
    List<Trial> two = List.of(running(0, Map.of(1, 0.480, 2, 0.479), 1), running(1, Map.of(1, 0.520, 2, 0.500), 0));
    Decision d = asha.next(two, 2);
    assertEquals(Map.of(1, 1), d.promoted(), "ranked by its value alone, trial 1 would be stopped here");
    assertEquals(List.of(), d.stop());
  }

  @Test
  void ashaStopsALeaderThatOverfitsForOneStillImproving() {
    Asha asha = asha(2, 2, 9);
    // at epoch 4 trial 0 is best (0.470) but getting worse (+0.004 an epoch: 0.470 + 5·0.004 = 0.490);
    // trial 1 is behind (0.475) and improving (−0.003: 0.460)
    Trial overfits = running(0, Map.of(1, 0.480, 2, 0.465, 3, 0.466, 4, 0.470), 2);
    Trial improving = running(1, Map.of(1, 0.520, 2, 0.495, 3, 0.478, 4, 0.475), 1);
    Decision d = asha.next(List.of(overfits, improving), 2);
    assertEquals(Map.of(1, 2), d.promoted(), "ranked by its value alone, trial 1 would be stopped here");
    // a later trial with trial 0's curve, among three there, is stopped (best of them by value alone)
    Trial late = running(2, Map.of(1, 0.480, 2, 0.465, 3, 0.466, 4, 0.470), 1);
    d = asha.next(List.of(improving, late, ended(3, Trial.Status.STOPPED, Map.of(1, 0.6, 2, 0.6, 3, 0.6, 4, 0.6))), 3);
    assertEquals(List.of(2), d.stop());
  }

  @Test
  void ashaProjectsFromTheLastReportedEpochAndNotAtTheFirst() {
    Asha asha = asha(2, 2, 9);
    // values at epochs 1 and 2 → −0.02 an epoch, 7 epochs left
    assertEquals(0.50 - 7 * 0.02, asha.projected(running(0, Map.of(1, 0.52, 2, 0.50), 0), 2), 1e-12);
    // a gap (epoch 3 missing): the change per epoch from the last one reported, 5 epochs left
    assertEquals(0.40 - 5 * 0.01, asha.projected(running(0, Map.of(2, 0.42, 4, 0.40), 0), 4), 1e-12);
    // nothing before the rung: its value
    assertEquals(0.61, asha.projected(running(0, Map.of(1, 0.61), 0), 1), 1e-12);
    // only what was known at the rung counts, not later epochs
    assertEquals(0.50 - 7 * 0.02, asha.projected(running(0, Map.of(1, 0.52, 2, 0.50, 3, 0.2), 0), 2), 1e-12);
  }

  @Test
  void ashaFillsTheSlotsOfStoppedTrialsAndFinishesAtTheBudget() {
    Asha asha = asha(1, 3, 9);
    List<Trial> two = List.of(running(0, Map.of(1, 0.50), 1), running(1, Map.of(1, 0.60), 0));
    Decision d = asha.next(two, 2);
    assertEquals(List.of(1), d.stop());
    assertEquals(List.of(new Decision.Launch(2, asha.paramsOf(2))), d.launch());
    List<Trial> nine = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      nine.add(ended(i, i % 2 == 0 ? Trial.Status.SUCCEEDED : Trial.Status.STOPPED, Map.of(1, 0.5 + i / 100.0)));
    }
    assertTrue(asha.next(nine, 2).finished());
    assertEquals(0, new Objective("val_logloss", false).best(nine).orElseThrow().index());
    assertEquals(8, new Objective("val_auc", true).best(nine).orElseThrow().index());
  }

  @Test
  void badRangesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Parameter.Range("a", 0, 1, true, false, 3));
    assertThrows(IllegalArgumentException.class, () -> new Parameter.Range("a", 2, 1, false, false, 3));
    assertThrows(IllegalArgumentException.class, () -> new Parameter.Choice("a", List.of()));
  }
}
