package trainyard.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/** The {@code trainyard} entry point. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
    Map<String, String> env = System.getenv();
    boolean tty = System.console() != null && !"dumb".equals(env.get("TERM"));
    Console console = new Console(out, err, tty, System::nanoTime, Thread::sleep);
    int code = run(args, env, console);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line; returns its exit status. Never throws. */
  public static int run(String[] args, Map<String, String> env, Console console) {
    CommandLine cl = commandLine(env, console);
    try {
      return cl.execute(args);
    } catch (RuntimeException e) {
      console.err().println(Errors.line(e));
      return Errors.exitCode(e);
    }
  }

  static CommandLine commandLine(Map<String, String> env, Console console) {
    CommandLine cl = new CommandLine(new TrainyardCommand(env, console));
    cl.getCommandSpec().usageMessage().footer(TrainyardCommand.FOOTER);
    cl.setOut(new PrintWriter(console.out(), true));
    cl.setErr(new PrintWriter(console.err(), true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((ex, args) -> {
      console.err().println(Errors.line(ex));
      return ExitCode.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof CommandLine.ParameterException) {
        console.err().println(Errors.line(ex));
        return ExitCode.USAGE;
      }
      if (!(ex instanceof CliException) && "1".equals(env.get("TRAINYARD_DEBUG"))) {
        ex.printStackTrace(console.err());
      }
      console.err().println(Errors.line(ex));
      return Errors.exitCode(ex);
    });
    return cl;
  }
}
