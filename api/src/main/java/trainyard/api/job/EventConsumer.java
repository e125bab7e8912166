package trainyard.api.job;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;
import trainyard.api.platform.Bus;
import trainyard.api.platform.ConsumerThread;
import trainyard.api.platform.DeadLetters;
import trainyard.api.study.StudyDriver;
import trainyard.bus.BusConsumer;
import trainyard.bus.JobEvent;
import trainyard.bus.Received;
import trainyard.bus.Topics;

/**
 * Reads trainyard.events on its own thread and hands each event to {@link EventStore}. The
 * position is committed only after a batch is stored, so a crash re-delivers events, which the
 * store ignores. An event that cannot be stored for a passing fault (the database is down) is
 * retried, never skipped; one that can never be stored (it does not decode, the store refuses
 * it, the database refuses its data, or it made the consumer fail with an {@code Error}
 * {@value #MAX_ERRORS} times) is set aside in {@link DeadLetters} and skipped. Any other
 * {@code Error} restarts the consumer ({@link ConsumerThread}). Thread-safe.
 */
@ApplicationScoped
public class EventConsumer {
  private static final Logger LOG = Logger.getLogger(EventConsumer.class);
  private static final String GROUP = "trainyard-api-events";
  static final int MAX_ERRORS = 3;

  @Inject Bus bus;
  @Inject EventStore store;
  @Inject EventStreams streams;
  @Inject DeadLetters deadLetters;
  @Inject StudyDriver studies;

  private final ConsumerThread<JobEvent> thread =
      new ConsumerThread<>("trainyard-event-consumer", Duration.ofMillis(200), Duration.ofSeconds(10));
  // The polling thread's only: a dead letter of an undecodable record waits for the next commit.
  private boolean uncommitted;
  // The polling thread's only: the record that last threw an Error ("partition@offset") and how often.
  private String failing;
  private int errors;

  public void start() {
    thread.start(() -> new BusConsumer<>(bus.bootstrapServers(), JobEvent.class, GROUP,
        BusConsumer.Start.COMMITTED_OR_EARLIEST), this::storeBatch, this::setAside);
  }

  private void storeBatch(List<Received<JobEvent>> batch, BusConsumer<JobEvent> c) {
    for (Received<JobEvent> received : batch) {
      try {
        storeUntilDone(received);
      } catch (Error e) {
        if (!struckOut(received)) {
          throw e;
        }
        setAside(received, e);
      }
    }
    if (!batch.isEmpty() || uncommitted) {
      c.commit();
      uncommitted = false;
    }
  }

  private void storeUntilDone(Received<JobEvent> received) {
    JobEvent event = received.value();
    long backoffMs = 100;
    while (true) { // until stored or set aside; a stop ends the batch (ConsumerThread.Stopped), uncommitted
      try {
        store.apply(event);
      } catch (RuntimeException e) {
        if (lasting(e)) {
          setAside(received, e);
          return;
        }
        LOG.warnf("cannot store event %s of job %s (%s); retrying in %d ms",
            event.eventId(), event.jobId(), e.getMessage(), backoffMs);
        thread.retryAfter(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
        continue;
      }
      if (event.type() != JobEvent.Type.MEMBER) { // not kept with the job's events: nothing to stream
        streams.stored(event.jobId());
      }
      if (event.type() == JobEvent.Type.STATE || event.type() == JobEvent.Type.METRIC) {
        studies.jobChanged(event.jobId()); // a study's trial: its search decides again
      }
      return;
    }
  }

  /**
   * Whether {@code e} is the event's own fault, which no retry mends: the store refused it, the
   * database refused its data (SQLSTATE class 22, data exception: "timestamp out of range"; 23,
   * integrity violation), or the store could not use a field of it. Any other database failure
   * (connection, resources, shutdown) passes, and the event is retried.
   */
  static boolean lasting(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RejectedEvent) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
      }
      if (t instanceof NullPointerException || t instanceof IllegalArgumentException
          || t instanceof DateTimeException || t instanceof ArithmeticException) {
        return true;
      }
    }
    return false;
  }

  /** Counts one more Error for {@code r}; true once it has thrown {@value #MAX_ERRORS} in a row. */
  private boolean struckOut(Received<JobEvent> r) {
    String at = r.partition() + "@" + r.offset();
    errors = at.equals(failing) ? errors + 1 : 1;
    failing = at;
    return errors >= MAX_ERRORS;
  }

  private void setAside(Received<JobEvent> r, Throwable why) {
    deadLetters.add(Topics.EVENTS, r.partition(), r.offset(), r.key(), r.payload(),
        why.getClass().getSimpleName() + ": " + rootMessage(why));
  }

  private void setAside(BusConsumer.Undecodable u) {
    deadLetters.add(u.topic(), u.partition(), u.offset(), u.key(), u.payload(), u.error());
    uncommitted = true;
  }

  /** The deepest message of {@code e}'s causes: the database's own words, not its wrappers'. */
  private static String rootMessage(Throwable e) {
    String message = e.getMessage();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message;
  }

  /** Events sent and not read yet; -1 before the first measurement. */
  public long lag() {
    return thread.lag();
  }

  public void stop() {
    thread.stop();
  }
}
