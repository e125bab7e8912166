package trainyard.api.job;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;
import trainyard.api.platform.Bus;
import trainyard.bus.BusConsumer;
import trainyard.bus.JobEvent;
import trainyard.bus.Received;

/**
 * Reads trainyard.events on its own thread and hands each event to {@link EventStore}. The
 * position is committed only after a batch is stored, so a crash re-delivers events, which the
 * store ignores. An event that cannot be stored (the database is down) is retried, never
 * skipped. Thread-safe: start and stop are synchronized; the loop runs on one thread.
 */
@ApplicationScoped
public class EventConsumer {
  private static final Logger LOG = Logger.getLogger(EventConsumer.class);
  private static final String GROUP = "trainyard-api-events";

  @Inject Bus bus;
  @Inject EventStore store;

  private BusConsumer<JobEvent> consumer; // Guarded by this
  private Thread thread; // Guarded by this
  private volatile boolean running;

  public synchronized void start() {
    consumer = new BusConsumer<>(bus.bootstrapServers(), JobEvent.class, GROUP,
        BusConsumer.Start.COMMITTED_OR_EARLIEST);
    running = true;
    BusConsumer<JobEvent> c = consumer;
    thread = new Thread(() -> loop(c), "trainyard-event-consumer");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(BusConsumer<JobEvent> c) {
    try {
      while (running) {
        List<Received<JobEvent>> batch = c.poll(Duration.ofMillis(200));
        for (Received<JobEvent> received : batch) {
          storeUntilDone(received.value());
        }
        if (!batch.isEmpty()) {
          c.commit();
        }
      }
    } catch (WakeupException e) {
      // stop() asked us to leave
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("the event consumer stopped", e);
    } finally {
      c.close();
    }
  }

  private void storeUntilDone(JobEvent event) throws InterruptedException {
    long backoffMs = 100;
    while (running) {
      try {
        store.apply(event);
        return;
      } catch (RuntimeException e) {
        LOG.warnf("cannot store event %s of job %s (%s); retrying in %d ms",
            event.eventId(), event.jobId(), e.getMessage(), backoffMs);
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  public synchronized void stop() {
    if (thread == null) {
      return;
    }
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread = null;
    consumer = null;
  }
}
