package trainyard.engine.local;

/** A command line the local command cannot run: its message is shown to the user as is. */
final class UsageException extends IllegalArgumentException {
  UsageException(String message) {
    super(message);
  }
}
