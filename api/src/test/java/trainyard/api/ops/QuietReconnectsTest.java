package trainyard.api.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class QuietReconnectsTest {
  private Instant now = Instant.parse("2026-12-05T13:00:00Z");
  private final QuietReconnects filter = new QuietReconnects(() -> now.toEpochMilli());

  @Test
  void aClientsReconnectWarningsPassOnceAMinuteAndSayHowManyWereHeld() {
    LogRecord first = unreachable("Producer clientId=trainyard-api");
    assertTrue(filter.isLoggable(first));
    assertFalse(first.getMessage().contains("not logged"), first.getMessage());
    for (int i = 0; i < 59; i++) {
      now = now.plusSeconds(1);
      assertFalse(filter.isLoggable(unreachable("Producer clientId=trainyard-api")), "second " + (i + 1));
    }
    // Another client's first warning is its own.
    assertTrue(filter.isLoggable(unreachable("Consumer clientId=consumer-trainyard-executor-1, groupId=g")));

    now = now.plusSeconds(1);
    LogRecord minuteLater = unreachable("Producer clientId=trainyard-api");
    assertTrue(filter.isLoggable(minuteLater));
    assertTrue(minuteLater.getMessage().endsWith(
        "(and 59 more like it from this client in the last minute, not logged)"), minuteLater.getMessage());
  }

  @Test
  void theCountReachesTheLogAsQuarkusFormatsIt() {
    // Quarkus logs through JBoss LogManager: its records and levels, Kafka's message already formatted.
    ExtLogRecord first = jboss();
    assertTrue(filter.isLoggable(first));
    assertFalse(filter.isLoggable(jboss()));
    now = now.plusSeconds(61);
    ExtLogRecord next = jboss();
    assertTrue(filter.isLoggable(next));
    assertTrue(next.getFormattedMessage().endsWith(
        "could not be established. Broker may not be available. (and 1 more like it from this client in the"
            + " last minute, not logged)"), next.getFormattedMessage());
  }

  private static ExtLogRecord jboss() {
    ExtLogRecord r = new ExtLogRecord(org.jboss.logmanager.Level.WARN, "[AdminClient clientId=adminclient-1] Connection"
        + " to node -1 (/127.0.0.1:1) could not be established. Broker may not be available.",
        ExtLogRecord.FormatStyle.NO_FORMAT, QuietReconnectsTest.class.getName());
    r.setLoggerName(QuietReconnects.LOGGER);
    return r;
  }

  @Test
  void everyOtherRecordPassesUntouched() {
    for (int i = 0; i < 3; i++) {
      LogRecord other = new LogRecord(Level.WARNING, "[Producer clientId=trainyard-api] Got error produce response");
      other.setLoggerName(QuietReconnects.LOGGER);
      assertTrue(filter.isLoggable(other));
      LogRecord info = unreachable("Producer clientId=trainyard-api");
      info.setLevel(Level.INFO);
      assertTrue(filter.isLoggable(info));
      LogRecord elsewhere = unreachable("Producer clientId=trainyard-api");
      elsewhere.setLoggerName("trainyard.executor.Executor");
      assertTrue(filter.isLoggable(elsewhere));
      assertEquals("[Producer clientId=trainyard-api] Got error produce response", other.getMessage());
    }
  }

  /** What Kafka's NetworkClient logs at each failed reconnect, with the client's prefix. */
  private static LogRecord unreachable(String client) {
    LogRecord r = new LogRecord(Level.WARNING,
        "[" + client + "] Connection to node -1 (/127.0.0.1:9092) could not be established. Node may not be available.");
    r.setLoggerName(QuietReconnects.LOGGER);
    return r;
  }
}
