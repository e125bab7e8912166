package trainyard.api.job;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;
import trainyard.api.platform.Bus;
import trainyard.api.platform.ConsumerThread;
import trainyard.bus.BusConsumer;
import trainyard.bus.JobEvent;
import trainyard.bus.Received;

/**
 * Reads trainyard.events on its own thread and hands each event to {@link EventStore}. The
 * position is committed only after a batch is stored, so a crash re-delivers events, which the
 * store ignores. An event that cannot be stored (the database is down) is retried, never
 * skipped. Thread-safe.
 */
@ApplicationScoped
public class EventConsumer {
  private static final Logger LOG = Logger.getLogger(EventConsumer.class);
  private static final String GROUP = "trainyard-api-events";

  @Inject Bus bus;
  @Inject EventStore store;
  @Inject EventStreams streams;

  private final ConsumerThread<JobEvent> thread =
      new ConsumerThread<>("trainyard-event-consumer", Duration.ofMillis(200), Duration.ofSeconds(10));

  public void start() {
    thread.start(new BusConsumer<>(bus.bootstrapServers(), JobEvent.class, GROUP,
        BusConsumer.Start.COMMITTED_OR_EARLIEST), this::storeBatch);
  }

  private void storeBatch(List<Received<JobEvent>> batch, BusConsumer<JobEvent> c) throws InterruptedException {
    for (Received<JobEvent> received : batch) {
      storeUntilDone(received.value());
    }
    if (!batch.isEmpty()) {
      c.commit();
    }
  }

  private void storeUntilDone(JobEvent event) throws InterruptedException {
    long backoffMs = 100;
    while (thread.running()) {
      try {
        store.apply(event);
        if (event.type() != JobEvent.Type.MEMBER) { // not kept with the job's events: nothing to stream
          streams.stored(event.jobId());
        }
        return;
      } catch (RuntimeException e) {
        LOG.warnf("cannot store event %s of job %s (%s); retrying in %d ms",
            event.eventId(), event.jobId(), e.getMessage(), backoffMs);
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  public void stop() {
    thread.stop();
  }
}
