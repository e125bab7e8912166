package trainyard.engine.train;

import java.util.LinkedHashMap;
import java.util.Map;
import trainyard.engine.model.Model;
import trainyard.spec.JobSpec;

/**
 * Early stopping ({@code stopping.patience}): the best epoch so far by {@code stopping.metric},
 * its metrics and its model, which the job returns instead of the last one. Epochs are 1-based;
 * 0 means none yet. Not thread-safe: the coordinator's alone.
 */
final class BestEpoch {
  private final int patience;
  private final String metric;
  private final boolean higherIsBetter;
  private int epoch;
  private Map<String, Double> metrics = Map.of();
  private Model model;

  private BestEpoch(int patience, String metric) {
    this.patience = patience;
    this.metric = metric;
    this.higherIsBetter = JobSpec.Stopping.higherIsBetter(metric);
  }

  /** The tracker a job's stopping section asks for, or null without early stopping. */
  static BestEpoch of(JobSpec.Stopping stopping) {
    return stopping.patience() > 0 ? new BestEpoch(stopping.patience(), stopping.metric()) : null;
  }

  /** Takes {@code epoch}'s result if it improves on the best; returns whether it did. */
  boolean offer(int epoch, Map<String, Double> metrics, Model model) {
    if (beats(metrics)) {
      return false;
    }
    value(metrics); // its metric must be there, best or not
    this.epoch = epoch;
    this.metrics = new LinkedHashMap<>(metrics);
    this.model = model;
    return true;
  }

  /** Restores the best of a checkpoint: its epoch, metrics and model. */
  void restore(int epoch, Map<String, Double> metrics, Model model) {
    this.epoch = epoch;
    this.metrics = new LinkedHashMap<>(metrics);
    this.model = model;
  }

  /** Whether the best is better than {@code other}'s metric: strictly, so a tie keeps the earlier epoch. */
  boolean beats(Map<String, Double> other) {
    if (epoch == 0) {
      return false;
    }
    double v = value(other);
    double b = metrics.get(metric);
    if (Double.isNaN(v) || Double.isNaN(b)) {
      return Double.isNaN(v) && !Double.isNaN(b);
    }
    return higherIsBetter ? b >= v : b <= v;
  }

  /** Whether {@code epochsDone} epochs are {@code patience} or more past the best. */
  boolean exhausted(int epochsDone) {
    return epoch > 0 && epochsDone - epoch >= patience;
  }

  int epoch() {
    return epoch;
  }

  Map<String, Double> metrics() {
    return metrics;
  }

  Model model() {
    return model;
  }

  int patience() {
    return patience;
  }

  String metric() {
    return metric;
  }

  /** "val_logloss=0.41234", the best's value as the log shows it. */
  String describe() {
    return Coordinator.format(Map.of(metric, metrics.get(metric)));
  }

  private double value(Map<String, Double> m) {
    Double v = m.get(metric);
    if (v == null) {
      throw new IllegalStateException("stopping.metric " + metric + " is not among the validation metrics "
          + m.keySet() + (metric.equals(JobSpec.Stopping.VAL_AUC) ? ": the validation data has one class only" : ""));
    }
    return v;
  }
}
