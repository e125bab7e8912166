package trainyard.engine.model;

import trainyard.engine.data.CsrBlock;
import trainyard.engine.metrics.MetricsAccumulator;
import trainyard.engine.ps.Keys;
import trainyard.engine.ps.ParameterServer;

/**
 * Validation where the model lives. A sparse model's margin is a sum over a row's keys (an FM's,
 * a function of such sums), so each process adds up its own server shards' share of every row,
 * and one process sums the shares and makes the predictions: none assembles the model, and the
 * lookups split over the processes. In one process the share is the whole score, computed in
 * the order {@link Model#predict} computes it, so the metrics are the exported model's, bit for
 * bit. Immutable and thread-safe.
 */
public interface ScoreShares {
  /** Floats per row in a share. */
  int width();

  /**
   * Adds into {@code share} ({@link #width} floats per row, zeros at first) the part of each row
   * of {@code rows} that the keys of a reader make: {@code handles} are its {@link #handles},
   * {@code values} its {@link ParameterServer.Reader#values}, {@code bias} its {@link #bias}.
   */
  void add(CsrBlock rows, int[] handles, float[] values, int bias, float[] share);

  /** {@link Model#predict}'s outputs, from the sum (in rank order) of every process's share. */
  float[] predictions(float[] sum, int rows);

  /** An accumulator of the validation metrics of such predictions. */
  MetricsAccumulator newMetrics();

  /** Per entry of {@code rows}: {@code reader}'s handle of its feature's key, or -1. */
  static int[] handles(CsrBlock rows, ParameterServer.Reader reader) {
    int n = rows.nonZeros();
    int[] out = new int[n];
    for (int e = 0; e < n; e++) {
      out[e] = reader.locate(Keys.mix(rows.keys[e]));
    }
    return out;
  }

  /** The bias key's handle in {@code reader}, or -1 where it holds no bias. */
  static int bias(ParameterServer.Reader reader) {
    return reader.locate(Keys.mix(Keys.BIAS_FEATURE));
  }
}
