package trainyard.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Where a command writes: results to {@code out}, progress and errors to {@code err} (so
 * {@code --output json} keeps stdout pure JSON). {@code tty} says whether to redraw in place.
 *
 * @param nanoClock monotonic nanoseconds (System::nanoTime; a fake one in tests)
 * @param sleeper   waits between polls and retries
 */
public record Console(PrintStream out, PrintStream err, boolean tty, LongSupplier nanoClock,
    Sleeper sleeper) {

  /** Waits; the one place the CLI sleeps, so tests can replace it. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  public void pause(long millis) {
    try {
      sleeper.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.INTERRUPTED, "interrupted");
    }
  }
}
