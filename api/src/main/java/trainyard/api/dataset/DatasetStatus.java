package trainyard.api.dataset;

/**
 * A streamed upload: INGESTING → READY or FAILED. A resumable upload's file: UPLOADED →
 * INGESTING → READY or FAILED. FAILED carries the reason and the first bad lines.
 */
public enum DatasetStatus {
  UPLOADED,
  INGESTING,
  READY,
  FAILED
}
