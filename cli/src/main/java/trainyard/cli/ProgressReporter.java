package trainyard.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Shows a transfer's progress. On a terminal: one line redrawn in place (at most ten times a
 * second). Otherwise: a plain line at every 10% step, so logs stay short. The rate counts only
 * bytes moved by this run (a resumed upload does not look faster than it is).
 * Not thread-safe: one transfer, one thread.
 */
public final class ProgressReporter {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int BAR = 24;

  private final PrintStream out;
  private final boolean tty;
  private final LongSupplier nanoClock;
  private final String label;
  private final long total;
  private final long startDone;
  private final long startNanos;
  private long lastDrawNanos = Long.MIN_VALUE;
  private int lastDecile = -1;
  private long done;

  public ProgressReporter(PrintStream out, boolean tty, LongSupplier nanoClock, String label,
      long total, long alreadyDone) {
    this.out = out;
    this.tty = tty;
    this.nanoClock = nanoClock;
    this.label = label;
    this.total = total;
    this.startDone = alreadyDone;
    this.done = alreadyDone;
    this.startNanos = nanoClock.getAsLong();
    this.lastDecile = total > 0 ? (int) (alreadyDone * 10 / total) : -1;
  }

  /** Bytes per second moved by this run so far. */
  public double rate() {
    double seconds = (nanoClock.getAsLong() - startNanos) / 1e9;
    return seconds > 0 ? (done - startDone) / seconds : 0;
  }

  public void update(long nowDone) {
    done = nowDone;
    if (tty) {
      long now = nanoClock.getAsLong();
      if (lastDrawNanos != Long.MIN_VALUE && now - lastDrawNanos < REDRAW_NANOS && done < total) {
        return;
      }
      lastDrawNanos = now;
      out.print("\r" + line() + "\u001b[K");
      out.flush();
    } else {
      int decile = total > 0 ? (int) (done * 10 / total) : 10;
      if (decile > lastDecile) {
        lastDecile = decile;
        out.println(line());
      }
    }
  }

  /** Ends the display: the final line stays on screen. */
  public void finish() {
    if (tty) {
      out.print("\r" + line() + "\u001b[K");
      out.println();
    } else if (lastDecile < 10) {
      out.println(line());
    }
    out.flush();
  }

  String line() {
    return label + " " + ProgressFormat.transferLine(done, total, rate(), BAR);
  }
}
