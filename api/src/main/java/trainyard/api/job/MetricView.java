package trainyard.api.job;

import java.time.Instant;

/** One point of a metric series. */
public record MetricView(long step, Integer epoch, String name, double value, Instant time) {
  static MetricView of(MetricRow r) {
    return new MetricView(r.step == null ? 0 : r.step, r.epoch, r.name, r.value, r.time);
  }
}
