package trainyard.engine.train;

/**
 * This attempt of a job spread over several processes cannot go on, through no fault of the job:
 * a member was not ready in time, its connection broke, or it fell silent. The job should run
 * again (from its last checkpoint), not fail.
 */
public final class AttemptLostException extends RuntimeException {
  public AttemptLostException(String message) {
    super(message);
  }

  public AttemptLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
