package trainyard.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * How long to wait before sending a request the server answered 429 or 503 again: its
 * {@code Retry-After} (seconds, or an HTTP date), else 1 s doubling with each retry; never more
 * than a minute, so a wrong header cannot hang the CLI. A pure function.
 */
final class RetryAfter {
  static final long FIRST_MILLIS = 1000;
  static final long MAX_MILLIS = 60_000;

  private RetryAfter() {}

  /** The wait before retry number {@code retry} (0 for the first) given the answer's header. */
  static long millis(Optional<String> header, int retry, Instant now) {
    long fallback = Math.min(MAX_MILLIS, FIRST_MILLIS << Math.min(retry, 16));
    if (header.isEmpty()) {
      return fallback;
    }
    String value = header.get().trim();
    try {
      return clamp(Long.parseLong(value) * 1000);
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return clamp(Duration.between(now, at).toMillis());
      } catch (DateTimeParseException neither) {
        return fallback;
      }
    }
  }

  private static long clamp(long millis) {
    return Math.max(0, Math.min(MAX_MILLIS, millis));
  }
}
