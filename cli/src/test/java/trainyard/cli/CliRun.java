package trainyard.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the CLI in-process with captured stdout/stderr, a fixed environment and no sleeping. */
record CliRun(int exit, String out, String err) {
  static CliRun of(Map<String, String> env, String... args) {
    return of(env, ms -> { }, args);
  }

  /** As {@link #of(Map, String...)}, the CLI's pauses going to {@code sleeper}. */
  static CliRun of(Map<String, String> env, Console.Sleeper sleeper, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false, System::nanoTime, sleeper);
    int exit = Main.run(args, env, console);
    return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** stderr has exactly one line. */
  boolean oneErrorLine() {
    return !err.isBlank() && err.strip().lines().count() == 1 && !err.contains("\tat ");
  }
}
