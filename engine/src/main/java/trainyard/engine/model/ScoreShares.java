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

  /**
   * Per entry of {@code rows}: {@code reader}'s handle of its feature's key, or -1. Feature
   * frequencies follow power laws, so a small direct-mapped memo of ids (768 KB, in cache)
   * answers most entries without a probe into the servers' tables, which miss the cache.
   */
  static int[] handles(CsrBlock rows, ParameterServer.Reader reader) {
    int n = rows.nonZeros();
    int[] out = new int[n];
    int bits = 16;
    long[] memoIds = new long[1 << bits];
    int[] memoHandles = new int[1 << bits]; // handle + 2: 0 marks an empty slot, 1 a key held elsewhere
    for (int e = 0; e < n; e++) {
      long id = rows.keys[e];
      int slot = (int) ((id * 0x9E3779B97F4A7C15L) >>> (64 - bits));
      int h = memoHandles[slot];
      if (h == 0 || memoIds[slot] != id) {
        h = reader.locate(Keys.mix(id)) + 2;
        memoIds[slot] = id;
        memoHandles[slot] = h;
      }
      out[e] = h - 2;
    }
    return out;
  }

  /** The bias key's handle in {@code reader}, or -1 where it holds no bias. */
  static int bias(ParameterServer.Reader reader) {
    return reader.locate(Keys.mix(Keys.BIAS_FEATURE));
  }
}
