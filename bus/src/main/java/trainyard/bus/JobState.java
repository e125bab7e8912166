package trainyard.bus;

/**
 * A job's life: {@code QUEUED → ASSIGNED → RUNNING → SUCCEEDED | FAILED | CANCELLED}; a job
 * whose executor is lost goes back to {@code QUEUED}.
 */
public enum JobState {
  QUEUED,
  ASSIGNED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** Whether no later state may follow this one. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
