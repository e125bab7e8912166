package trainyard.api.study;

/** QUEUED until a trial is placed, RUNNING until every trial ended, then one of the three ends. */
public enum StudyState {
  QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
