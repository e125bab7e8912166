package trainyard.cli;

import java.util.function.Supplier;

/**
 * Polling that outlives a server restart or a network blip: a read that cannot connect is tried
 * again after a growing pause, up to {@value #RECONNECTS} times in a row, once the server has been
 * reached at least once (a wrong URL still fails at once). Not thread-safe: one per watch.
 */
final class Poller {
  private static final int RECONNECTS = 5;

  private final Console console;
  private final long interval;
  private int failures;
  private boolean reached;

  Poller(Console console, long interval) {
    this.console = console;
    this.interval = interval;
  }

  /** What {@code read} returns, or null after a connection failure it waited out: call again. */
  <T> T read(Supplier<T> read) {
    try {
      T value = read.get();
      failures = 0;
      reached = true;
      return value;
    } catch (CliException e) {
      if (e.exitCode() != ExitCode.CONNECTION || !reached || ++failures > RECONNECTS) {
        throw e;
      }
      console.pause(Math.min(10_000, interval << failures));
      return null;
    }
  }
}
