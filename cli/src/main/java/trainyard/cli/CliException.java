package trainyard.cli;

/**
 * An error a user sees as one line on stderr and an exit status; never a stack trace.
 * The message must make sense without context ("no such dataset: ds_42").
 */
public class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  public static CliException usage(String message) {
    return new CliException(ExitCode.USAGE, message);
  }

  public static CliException connection(String message) {
    return new CliException(ExitCode.CONNECTION, message);
  }

  public static CliException failed(String message) {
    return new CliException(ExitCode.FAILED, message);
  }
}
