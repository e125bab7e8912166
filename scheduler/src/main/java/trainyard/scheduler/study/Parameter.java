package trainyard.scheduler.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One dimension of a search space: a numeric range or a list of choices. Immutable. */
public sealed interface Parameter permits Parameter.Range, Parameter.Choice {
  /** A dotted path into the job spec, e.g. {@code params.learningRate}. */
  String name();

  /** The value at fraction {@code u} (0 ≤ u < 1) of the dimension: u uniform gives a uniform draw on its scale. */
  Object at(double u);

  /** The values a grid search tries, in order. */
  List<Object> grid();

  /**
   * A range [min, max]. On the log scale values are spread evenly in log(value) (both ends
   * positive). Integer ranges round to whole numbers. A grid takes {@code points} values from min
   * to max, both included.
   */
  record Range(String name, double min, double max, boolean log, boolean integer, int points) implements Parameter {
    public Range {
      Objects.requireNonNull(name, "name");
      if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
        throw new IllegalArgumentException(name + ": min must be finite and <= max, got " + min + ".." + max);
      }
      if (log && min <= 0) {
        throw new IllegalArgumentException(name + ": a log scale needs min > 0, got " + min);
      }
      if (points < 1) {
        throw new IllegalArgumentException(name + ": points must be >= 1, got " + points);
      }
    }

    @Override
    public List<Object> grid() {
      List<Object> values = new ArrayList<>(points);
      for (int i = 0; i < points; i++) {
        Object v = at(points == 1 ? 0.5 : (double) i / (points - 1));
        if (!values.contains(v)) { // an integer range narrower than its points
          values.add(v);
        }
      }
      return values;
    }

    /** The value at fraction {@code u} (0..1, both ends included) of the range on its scale. */
    @Override
    public Object at(double u) {
      double v = log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
      v = Math.min(max, Math.max(min, v)); // exp(log(x)) may drift past an end
      return integer ? (Object) Math.round(v) : (Object) v;
    }
  }

  /** One of a list of values (strings, numbers or booleans), all equally likely. */
  record Choice(String name, List<Object> values) implements Parameter {
    public Choice {
      Objects.requireNonNull(name, "name");
      if (values.isEmpty()) {
        throw new IllegalArgumentException(name + ": a choice needs at least one value");
      }
      values = List.copyOf(values);
    }

    @Override
    public Object at(double u) {
      return values.get(Math.min(values.size() - 1, (int) (u * values.size())));
    }

    @Override
    public List<Object> grid() {
      return values;
    }
  }
}
