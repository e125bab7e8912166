package trainyard.cli;

import java.util.Locale;

/** Pure formatting of sizes, rates, durations and bars; no I/O, no clock. */
public final class ProgressFormat {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private ProgressFormat() {}

  /** 999 B, 1.5 KiB, 12.0 MiB, 5.0 GiB (binary units, one decimal above bytes). */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    int u = 0;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
  }

  public static String rate(double bytesPerSecond) {
    if (!(bytesPerSecond > 0) || Double.isInfinite(bytesPerSecond)) {
      return "- B/s";
    }
    return bytes(Math.round(bytesPerSecond)) + "/s";
  }

  /** 0:07, 12:34, 1:02:03; "--:--" when unknown. */
  public static String duration(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds) || seconds > 99 * 3600) {
      return "--:--";
    }
    long s = (long) Math.ceil(seconds);
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
        : String.format(Locale.ROOT, "%d:%02d", m, sec);
  }

  /** Seconds left at {@code rate} bytes/s; NaN when the rate is not yet known. */
  public static double eta(long done, long total, double rate) {
    return rate > 0 ? (total - done) / rate : Double.NaN;
  }

  /** {@code [#########-----------]}: {@code width} cells between the brackets. */
  public static String bar(double fraction, int width) {
    double f = Math.max(0, Math.min(1, Double.isNaN(fraction) ? 0 : fraction));
    int full = (int) Math.floor(f * width);
    StringBuilder sb = new StringBuilder(width + 2).append('[');
    for (int i = 0; i < width; i++) {
      sb.append(i < full ? '#' : '-');
    }
    return sb.append(']').toString();
  }

  public static String percent(double fraction) {
    double f = Math.max(0, Math.min(1, Double.isNaN(fraction) ? 0 : fraction));
    return String.format(Locale.ROOT, "%3d%%", (int) Math.floor(f * 100));
  }

  /** The upload line: {@code [####----]  45%  2.3 GiB / 5.0 GiB  118.2 MiB/s  ETA 0:24}. */
  public static String transferLine(long done, long total, double rate, int barWidth) {
    double f = total > 0 ? (double) done / total : 1;
    return bar(f, barWidth) + " " + percent(f) + "  " + bytes(done) + " / " + bytes(total)
        + "  " + rate(rate) + "  ETA " + duration(eta(done, total, rate));
  }
}
