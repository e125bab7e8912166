package trainyard.scheduler.study;

import java.util.List;
import java.util.Map;

/** Every point of the space's grid, once each, in {@link SearchSpace#grid} order. */
public record GridSearch(SearchSpace space, List<Map<String, Object>> points) implements Search {
  public GridSearch(SearchSpace space) {
    this(space, space.grid());
  }

  public GridSearch {
    points = List.copyOf(points);
  }

  @Override
  public int trials() {
    return points.size();
  }

  @Override
  public Map<String, Object> paramsOf(int index) {
    return points.get(index);
  }
}
