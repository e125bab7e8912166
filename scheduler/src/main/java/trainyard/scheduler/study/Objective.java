package trainyard.scheduler.study;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The metric a study optimizes and which way. */
public record Objective(String metric, boolean maximize) {
  public Objective {
    Objects.requireNonNull(metric, "metric");
  }

  /** Better values first; equal values keep their order. */
  public Comparator<Double> order() {
    return maximize ? Comparator.<Double>reverseOrder() : Comparator.<Double>naturalOrder();
  }

  /** The succeeded trial with the best final value (the lower index on a tie), if any. */
  public Optional<Trial> best(List<Trial> trials) {
    return trials.stream()
        .filter(t -> t.status() == Trial.Status.SUCCEEDED && t.last() != null)
        .min(Comparator.comparing(Trial::last, order()).thenComparingInt(Trial::index));
  }
}
