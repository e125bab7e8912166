package trainyard.api.dataset;

/** UPLOADED → INGESTING → READY, or FAILED with the reason and the first bad lines. */
public enum DatasetStatus {
  UPLOADED,
  INGESTING,
  READY,
  FAILED
}
