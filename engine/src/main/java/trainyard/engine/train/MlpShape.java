package trainyard.engine.train;

import trainyard.engine.data.DatasetStats;

/**
 * What an mlp's dense layers ask of its data: feature ids that fit its input, and, for softmax,
 * labels that are class indexes. The api checks it at submit from the datasets' statistics; the
 * engine checks it again from the data itself (datasets ingested before the statistics held it).
 * Stateless.
 */
public final class MlpShape {
  /**
   * The largest feature id a dense input takes: 2^20. Libsvm's ids start at 1, so a 2^20 feature
   * space ends at id 2^20 itself; its input is 2^20 + 1 wide (id 0, unused, has a column too).
   */
  public static final long MAX_FEATURE_ID = 1L << 20;

  private MlpShape() {}

  /**
   * Why an mlp with this loss cannot train on data of {@code stats}, or null when it can or the
   * statistics do not say ({@code maxFeatureId} or {@code classes} -1).
   */
  public static String problem(String loss, DatasetStats stats) {
    if (stats.maxFeatureId() > MAX_FEATURE_ID) {
      return idProblem(stats.maxFeatureId());
    }
    if (loss.equals("softmax") && stats.classes() == 0) {
      return "softmax labels must be class indexes 0.." + (DatasetStats.MAX_CLASSES - 1) + "; some are not";
    }
    return null;
  }

  static String idProblem(long maxFeatureId) {
    return "mlp input is dense: feature ids must be <= " + MAX_FEATURE_ID + " (2^20), got " + maxFeatureId
        + "; hash them at ingestion (hashBits <= 20) or use linear or fm";
  }

  /** The input's width for data whose largest id is {@code maxFeatureId} (-1: no entry). */
  static long inputs(long maxFeatureId) {
    return Math.max(1, maxFeatureId + 1);
  }

  /** The softmax output's width for data of {@code classes} classes: at least 2. */
  static int outputs(int classes) {
    return Math.max(2, classes);
  }
}
