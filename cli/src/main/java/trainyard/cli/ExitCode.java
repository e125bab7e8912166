package trainyard.cli;

/** The exit statuses of {@code trainyard}; scripts rely on them, so they never change meaning. */
public final class ExitCode {
  public static final int OK = 0;
  /** The server answered with an error (a problem+json response, or an unexpected answer). */
  public static final int API = 1;
  /** The command line or a local file was wrong; nothing was sent. */
  public static final int USAGE = 2;
  /** The server could not be reached, or the connection broke. */
  public static final int CONNECTION = 3;
  /** The thing waited for ended badly: a job FAILED or was CANCELLED, a dataset FAILED. */
  public static final int FAILED = 4;
  /** Interrupted (Ctrl-C); the shell convention for SIGINT. */
  public static final int INTERRUPTED = 130;

  private ExitCode() {}
}
