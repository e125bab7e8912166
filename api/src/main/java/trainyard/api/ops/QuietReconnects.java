package trainyard.api.ops;

import io.quarkus.logging.LoggingFilter;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * While a broker is unreachable, Kafka's {@code NetworkClient} warns at every reconnect attempt:
 * about once a second per client, four clients a process, for as long as the broker is down.
 * This filter lets the first of each client's warnings through, then one a minute that says how
 * many it held back; every other record passes untouched. (A longer {@code
 * reconnect.backoff.max.ms} would quiet Kafka too, but would also delay the reconnect once the
 * broker is back by as much, against a heartbeat timeout of 10 s.)
 *
 * <p>Thread-safe: any thread that logs calls it.
 */
@LoggingFilter(name = "quiet-reconnects")
public final class QuietReconnects implements Filter {
  static final String LOGGER = "org.apache.kafka.clients.NetworkClient";
  static final Duration EVERY = Duration.ofMinutes(1);

  /** Wall-clock milliseconds. */
  private final LongSupplier millis;
  /** Per client (Kafka's "[Producer clientId=…]" prefix): when one last passed, and how many were held since. */
  private final ConcurrentHashMap<String, long[]> clients = new ConcurrentHashMap<>();

  public QuietReconnects() {
    this(System::currentTimeMillis);
  }

  QuietReconnects(LongSupplier millis) {
    this.millis = millis;
  }

  @Override
  public boolean isLoggable(LogRecord r) {
    String message = r.getMessage();
    // By value: JBoss LogManager's WARN is a Level of its own with WARNING's value.
    if (!LOGGER.equals(r.getLoggerName()) || r.getLevel().intValue() != Level.WARNING.intValue() || message == null
        || !message.contains("could not be established")) {
      return true;
    }
    int end = message.indexOf(']');
    long[] state = clients.computeIfAbsent(end > 0 ? message.substring(0, end + 1) : "", k -> new long[] {Long.MIN_VALUE, 0});
    long now = millis.getAsLong();
    long held;
    synchronized (state) {
      if (state[0] != Long.MIN_VALUE && now - state[0] < EVERY.toMillis()) {
        state[1]++;
        return false;
      }
      held = state[1];
      state[0] = now;
      state[1] = 0;
    }
    if (held > 0) {
      r.setMessage(message + " (and " + held + " more like it from this client in the last minute, not logged)");
    }
    return true;
  }
}
