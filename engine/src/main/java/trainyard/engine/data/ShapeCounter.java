package trainyard.engine.data;

/**
 * Counts, block by block, what a dense model needs to know of a dataset before it reads it:
 * the largest feature id and the label classes ({@link DatasetStats#maxFeatureId},
 * {@link DatasetStats#classes}). Not thread-safe.
 */
final class ShapeCounter {
  private long maxFeatureId = -1;
  private float maxLabel = 0;
  private boolean allClassIndexes = true;

  void add(long[] keys, int nonZeros, float[] labels, int rows) {
    for (int e = 0; e < nonZeros; e++) {
      maxFeatureId = Math.max(maxFeatureId, keys[e]);
    }
    for (int r = 0; r < rows; r++) {
      allClassIndexes &= DatasetStats.isClassIndex(labels[r]);
      maxLabel = Math.max(maxLabel, labels[r]);
    }
  }

  long maxFeatureId() {
    return maxFeatureId;
  }

  int classes() {
    return DatasetStats.classesOf(allClassIndexes, maxLabel);
  }
}
