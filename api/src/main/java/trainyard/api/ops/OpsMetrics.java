package trainyard.api.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import trainyard.api.executor.HeartbeatConsumer;
import trainyard.api.job.EventConsumer;
import trainyard.bus.JobState;

/**
 * The api's gauges on {@code /q/metrics}: jobs by state and the queue depth (jobs QUEUED), executors
 * seen in the last 10 s and their free cores and memory, and dead letters, which one thread reads
 * from PostgreSQL every 5 s with three cheap queries, so a scrape never waits on the database and
 * many scrapers cost nothing more; and the lag of the api's two Kafka consumers (events and
 * heartbeats not read yet), which each consumer measures about once a second. Started for the
 * api role only. Thread-safe.
 */
@ApplicationScoped
public class OpsMetrics {
  private static final Logger LOG = Logger.getLogger(OpsMetrics.class);
  private static final long REFRESH_SECONDS = 5;
  /** As the scheduler's default heartbeat timeout: an executor silent longer is lost. */
  private static final long SEEN_SECONDS = 10;

  @Inject MeterRegistry registry;
  @Inject EventConsumer events;
  @Inject HeartbeatConsumer heartbeats;
  /** An Instance: outside the api role the datasource is inactive and must not be touched. */
  @Inject Instance<DataSource> dataSource;

  private final Map<JobState, Long> jobs = new EnumMap<>(JobState.class); // Guarded by this
  private long executors; // Guarded by this
  private long deadLetters; // Guarded by this
  private MultiGauge freeCores;
  private MultiGauge freeMemoryMb;
  private ScheduledExecutorService refresher;

  public void start() {
    for (JobState state : JobState.values()) {
      Gauge.builder("trainyard.jobs", this, m -> m.jobs(state)).tag("state", state.name())
          .description("jobs in this state").register(registry);
    }
    Gauge.builder("trainyard.queue.depth", this, m -> m.jobs(JobState.QUEUED))
        .description("jobs waiting for an executor (QUEUED)").register(registry);
    lag("events", events::lag);
    lag("heartbeats", heartbeats::lag);
    Gauge.builder("trainyard.executors", this, OpsMetrics::executors)
        .description("executors heard from in the last " + SEEN_SECONDS + " s").register(registry);
    Gauge.builder("trainyard.dead.letters", this, OpsMetrics::deadLetters)
        .description("bus messages set aside in the table dead_letters").register(registry);
    freeCores = MultiGauge.builder("trainyard.executor.free.cores")
        .description("cores an executor has not given to jobs").register(registry);
    freeMemoryMb = MultiGauge.builder("trainyard.executor.free.memory.mb")
        .description("memory an executor has not given to jobs, in MiB").register(registry);
    refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trainyard-metrics");
      t.setDaemon(true);
      return t;
    });
    refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH_SECONDS, TimeUnit.SECONDS);
  }

  /** Messages on a consumer's topic it has not read; NaN before its first measurement. */
  private void lag(String consumer, LongSupplier lag) {
    Gauge.builder("trainyard.consumer.lag", lag, l -> l.getAsLong() < 0 ? Double.NaN : l.getAsLong())
        .tag("consumer", consumer).description("messages on the topic the api's consumer has not read yet")
        .strongReference(true) // the supplier is referenced from here only
        .register(registry);
  }

  public void stop() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }

  private void refresh() {
    try (Connection c = dataSource.get().getConnection(); Statement s = c.createStatement()) {
      s.setQueryTimeout(3);
      Map<JobState, Long> byState = new EnumMap<>(JobState.class);
      try (ResultSet r = s.executeQuery("SELECT status, count(*) FROM jobs GROUP BY status")) {
        while (r.next()) {
          byState.put(JobState.valueOf(r.getString(1)), r.getLong(2));
        }
      }
      List<MultiGauge.Row<?>> cores = new ArrayList<>();
      List<MultiGauge.Row<?>> memory = new ArrayList<>();
      Timestamp seenSince = Timestamp.from(Instant.now().minusSeconds(SEEN_SECONDS));
      try (var q = c.prepareStatement("SELECT id, free_cores, free_memory_mb FROM executors WHERE last_seen >= ?")) {
        q.setTimestamp(1, seenSince);
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            Tags executor = Tags.of("executor", r.getString(1));
            cores.add(MultiGauge.Row.of(executor, r.getInt(2)));
            memory.add(MultiGauge.Row.of(executor, r.getLong(3)));
          }
        }
      }
      long dead;
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM dead_letters")) {
        r.next();
        dead = r.getLong(1);
      }
      synchronized (this) {
        jobs.clear();
        jobs.putAll(byState);
        executors = cores.size();
        deadLetters = dead;
      }
      freeCores.register(cores, true);
      freeMemoryMb.register(memory, true);
    } catch (SQLException | RuntimeException e) {
      // Gauges keep their last values; the next refresh tries again.
      LOG.warnf("cannot refresh the metrics: %s", e.getMessage());
    }
  }

  private synchronized double jobs(JobState state) {
    return jobs.getOrDefault(state, 0L);
  }

  private synchronized double executors() {
    return executors;
  }

  private synchronized double deadLetters() {
    return deadLetters;
  }
}
