package trainyard.engine.train;

import java.util.Map;
import trainyard.engine.model.Model;

/**
 * What training produced.
 *
 * @param model        the model as the servers held it when training ended
 * @param finalMetrics the last epoch's metrics; the model's validation metrics when it stopped early
 * @param cancelled    true when the cancel signal stopped training
 */
public record TrainResult(Model model, Map<String, Double> finalMetrics, boolean cancelled) {
  public TrainResult {
    finalMetrics = Map.copyOf(finalMetrics);
  }
}
