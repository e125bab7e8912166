package trainyard.scheduler.study;

import java.util.Map;

/**
 * {@code trials} points drawn at random from the space, stratified ({@link SearchSpace#sample});
 * the same seed draws the same points.
 */
public record RandomSearch(SearchSpace space, long seed, int trials) implements Search {
  public RandomSearch {
    if (trials < 1) {
      throw new IllegalArgumentException("trials must be >= 1, got " + trials);
    }
  }

  @Override
  public Map<String, Object> paramsOf(int index) {
    return space.sample(seed, index, trials);
  }
}
