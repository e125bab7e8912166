package trainyard.scheduler.study;

import java.util.List;
import java.util.Map;

/**
 * What a search method decides: trials to launch, running trials to stop early, promotions to
 * record (trial index → rungs passed now), and whether the study is over (every trial launched
 * and ended).
 */
public record Decision(List<Launch> launch, List<Integer> stop, Map<Integer, Integer> promoted, boolean finished) {
  public record Launch(int index, Map<String, Object> params) {}

  public Decision {
    launch = List.copyOf(launch);
    stop = List.copyOf(stop);
    promoted = Map.copyOf(promoted);
  }
}
