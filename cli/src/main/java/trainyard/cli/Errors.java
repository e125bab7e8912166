package trainyard.cli;

import picocli.CommandLine;

/** Maps anything a command throws to one line and an exit status ({@link ExitCode}). */
public final class Errors {
  private Errors() {}

  public static int exitCode(Throwable t) {
    if (t instanceof CliException c) {
      return c.exitCode();
    }
    if (t instanceof CommandLine.ParameterException) {
      return ExitCode.USAGE;
    }
    return ExitCode.API;
  }

  /** The line printed on stderr, starting with "error: ". */
  public static String line(Throwable t) {
    if (t instanceof CommandLine.ParameterException p) {
      String cmd = p.getCommandLine().getCommandSpec().qualifiedName();
      return "error: " + Problems.oneLine(String.valueOf(p.getMessage()))
          + " (see '" + cmd + " --help')";
    }
    if (t instanceof CliException) {
      return "error: " + Problems.oneLine(String.valueOf(t.getMessage()));
    }
    // A bug on our side: still one line, naming what broke, never a stack trace.
    String msg = t.getMessage() == null ? "" : ": " + Problems.oneLine(t.getMessage());
    return "error: internal error (" + t.getClass().getSimpleName() + msg + ")";
  }
}
