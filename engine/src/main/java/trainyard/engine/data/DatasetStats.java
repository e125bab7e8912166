package trainyard.engine.data;

/**
 * What ingestion learned about a dataset.
 *
 * @param rows      examples
 * @param features  distinct feature ids (after hashing, if any)
 * @param nonZeros  stored entries
 * @param positives rows with label > 0
 * @param negatives rows with label <= 0
 * @param bytes     size of the binary shards on disk
 * @param shards    number of shards
 * @param hashBits  0 if ids were kept, else ids were hashed into 2^hashBits
 * @param hasFields whether entries carry field ids (libffm)
 * @param checksum  hex digest over all shard contents, recorded in model provenance
 * @param maxFeatureId the largest feature id (after hashing, if any); -1 when there is none or it is
 *                  unknown (a dataset ingested before it was recorded)
 * @param classes   the label classes when every label is a class index 0..{@value #MAX_CLASSES}-1
 *                  (the largest + 1); 0 when some label is not; -1 when unknown
 */
public record DatasetStats(
    long rows,
    long features,
    long nonZeros,
    long positives,
    long negatives,
    long bytes,
    int shards,
    int hashBits,
    boolean hasFields,
    String checksum,
    long maxFeatureId,
    int classes) {
  /** The most classes a softmax model has. */
  public static final int MAX_CLASSES = 10_000;

  /** {@link #classes} of labels whose largest is {@code maxLabel}, all of them class indexes or not. */
  public static int classesOf(boolean allIndexes, float maxLabel) {
    return allIndexes ? (int) maxLabel + 1 : 0;
  }

  /** Whether {@code label} is a class index: a whole number in 0..{@link #MAX_CLASSES}-1. */
  public static boolean isClassIndex(float label) {
    return label >= 0 && label < MAX_CLASSES && label == Math.rint(label);
  }
}
