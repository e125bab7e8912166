package trainyard.api.job;

/**
 * An event the store refuses for what it says, not for a passing fault: no retry can apply it, so
 * its consumer sets it aside (dead_letters) and goes on.
 */
public class RejectedEvent extends RuntimeException {
  public RejectedEvent(String message) {
    super(message);
  }
}
