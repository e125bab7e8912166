package trainyard.api.platform;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sets bus messages aside in dead_letters: a message that can never be applied is kept there, with
 * its raw bytes, partition, offset and the error, logged and counted, and its consumer goes on to
 * the next one. Thread-safe.
 */
@ApplicationScoped
public class DeadLetters {
  private static final Logger LOG = Logger.getLogger(DeadLetters.class);

  @Inject Clock clock;

  private final AtomicLong count = new AtomicLong();

  /**
   * Stores one dead letter in its own transaction; throws if the database cannot take it (the caller
   * retries, as it would the message).
   */
  public void add(String topic, int partition, long offset, String key, byte[] payload, String error) {
    DeadLetterRow row = new DeadLetterRow();
    row.topic = topic;
    row.partition = partition;
    row.offset = offset;
    row.key = key;
    row.payload = payload == null ? new byte[0] : payload;
    row.error = error == null ? "unknown error" : error;
    row.receivedAt = clock.instant();
    QuarkusTransaction.requiringNew().run(row::persist);
    LOG.errorf("dead letter %d since start: %s-%d offset %d (key %s) set aside: %s", count.incrementAndGet(),
        topic, partition, offset, key, row.error);
  }
}
