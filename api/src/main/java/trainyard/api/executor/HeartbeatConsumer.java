package trainyard.api.executor;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import trainyard.api.platform.Bus;
import trainyard.api.platform.JsonText;
import trainyard.api.platform.ConsumerThread;
import trainyard.api.job.Holdings;
import trainyard.bus.BusConsumer;
import trainyard.bus.Heartbeat;
import trainyard.bus.Received;

/**
 * Keeps the executors table at each executor's latest heartbeat, read from the newest message
 * on (a heartbeat comes every second, so history does not matter). Writes the last beat of each
 * executor per poll, not every beat. Every beat tells {@link Holdings} which jobs it lists, for
 * the reconciliation of job states. Thread-safe.
 */
@ApplicationScoped
public class HeartbeatConsumer {
  private static final Logger LOG = Logger.getLogger(HeartbeatConsumer.class);

  @Inject Bus bus;
  @Inject Holdings holdings;
  @Inject Clock clock;

  private final ConsumerThread<Heartbeat> thread =
      new ConsumerThread<>("trainyard-heartbeats", Duration.ofMillis(500), Duration.ofSeconds(5));

  public void start() {
    thread.start(() -> new BusConsumer<>(bus.bootstrapServers(), Heartbeat.class, null, BusConsumer.Start.LATEST),
        (batch, c) -> storeLatest(batch));
  }

  /** Since when this reader has reached Kafka without a break, or {@code Long.MIN_VALUE}: see {@link ConsumerThread}. */
  public long reachingSince(long nowMillis) {
    return thread.reachingSince(nowMillis);
  }

  /** Heartbeats sent and not read yet; -1 before the first measurement. */
  public long lag() {
    return thread.lag();
  }

  private void storeLatest(List<Received<Heartbeat>> batch) {
    Map<String, Heartbeat> latest = new LinkedHashMap<>();
    long now = clock.millis();
    for (Received<Heartbeat> r : batch) {
      latest.put(r.value().executorId(), r.value());
      holdings.listed(r.value(), now);
    }
    if (!latest.isEmpty()) {
      try {
        QuarkusTransaction.requiringNew().run(() -> latest.values().forEach(HeartbeatConsumer::store));
      } catch (RuntimeException e) {
        LOG.warnf("cannot store heartbeats: %s", e.getMessage());
      }
    }
  }

  private static void store(Heartbeat h) {
    ExecutorRow row = ExecutorRow.findById(h.executorId());
    if (row == null) {
      row = new ExecutorRow();
      row.id = h.executorId();
    }
    row.cores = h.cores();
    row.gpus = h.gpus();
    row.memoryMb = h.memoryMb();
    row.freeCores = h.freeCores();
    row.freeGpus = h.freeGpus();
    row.freeMemoryMb = h.freeMemoryMb();
    row.runningJobs = h.runningJobs() == null ? 0 : h.runningJobs().size();
    row.lastSeen = Instant.ofEpochMilli(h.timeMillis());
    row.gpuDevices = JsonText.write(h.devices().stream().map(ExecutorResource.GpuView::of).toList());
    row.persist();
  }

  public void stop() {
    thread.stop();
  }
}
