package trainyard.api.platform;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;
import trainyard.api.auth.AdminToken;
import trainyard.api.dataset.Ingestor;
import trainyard.api.demo.Demo;
import trainyard.api.executor.HeartbeatConsumer;
import trainyard.api.job.EventConsumer;
import trainyard.api.job.JobService;
import trainyard.api.job.PendingPublishes;
import trainyard.api.job.Reconciler;
import trainyard.api.study.StudyDriver;
import trainyard.api.ops.OpsMetrics;
import trainyard.api.platform.TrainyardConfig.Role;

/**
 * Starts the parts of this process in order, by role, and stops them in reverse: the bus
 * (embedded Kafka unless one is configured), then for the api role the schema (Flyway), the admin token, unfinished
 * ingestions, the event and heartbeat consumers, the re-publishing of unfinished jobs, the janitor, the reconciliation of job states and the metrics' refresh; then the scheduler
 * and the executor roles. PostgreSQL (embedded unless configured) is up before any of this:
 * configuration starts it (see {@link DatabaseConfigSourceFactory}).
 *
 * <p>Only the api role migrates the schema and uses the database: a scheduler or executor process
 * never touches it, so it can start before the api has created the schema.
 */
@ApplicationScoped
public class Platform {
  private static final Logger LOG = Logger.getLogger(Platform.class);
  /** A host name or IPv4 address: what goes before the port in {@code host:port}. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

  @Inject TrainyardConfig config;
  @Inject Bus bus;
  @Inject Roles roles;
  @Inject AdminToken adminToken;
  @Inject Ingestor ingestor;
  @Inject EventConsumer events;
  @Inject HeartbeatConsumer heartbeats;
  @Inject JobService jobs;
  @Inject PendingPublishes pending;
  @Inject Janitor janitor;
  @Inject Reconciler reconciler;
  @Inject StudyDriver studies;
  @Inject Demo demo;
  @Inject OpsMetrics metrics;
  @Inject Instance<Flyway> flyway;

  @ConfigProperty(name = "quarkus.http.port")
  int port;

  void start(@Observes StartupEvent startup) {
    try {
      requireValid(config);
    } catch (IllegalArgumentException e) {
      // Quarkus prints a ConfigurationException's message alone: one line, no stack trace.
      throw new ConfigurationException(e.getMessage());
    }
    Set<Role> enabled = config.roles();
    LOG.infof("starting roles %s with the blob store at %s", enabled, config.dataDir().toAbsolutePath().normalize());
    bus.start();
    if (enabled.contains(Role.API)) {
      flyway.get().migrate();
      String token = adminToken.ensure();
      ingestor.resumeUnfinished();
      events.start();
      heartbeats.start();
      int resubmitted = jobs.resubmitUnfinished();
      if (resubmitted > 0) {
        LOG.infof("re-published %d unfinished job(s)", resubmitted);
      }
      pending.start(config.jobs().resendInterval(), config.jobs().resendMaxInterval());
      janitor.start();
      reconciler.start(config.jobs().reconcileAfter(), config.jobs().maxAttempts());
      studies.start();
      metrics.start();
      LOG.infof("Trainyard API at http://localhost:%d/api/v1 (dashboard at http://localhost:%d/)%s", port, port,
          token == null ? "" : "; admin token: " + token);
    }
    roles.start(enabled, bus.bootstrapServers());
    if (bus.embedded() || enabled.contains(Role.API)) {
      LOG.info(bus.joinCommand());
    }
    if (config.demo()) {
      demo.runInBackground(port);
    }
  }

  /** Refuses to start on numbers no setting may take, naming each key, before anything uses them. */
  static void requireValid(TrainyardConfig config) {
    List<String> wrong = new ArrayList<>();
    atLeast(wrong, "trainyard.upload.max-bytes", config.upload().maxBytes(), 1);
    atLeast(wrong, "trainyard.upload.max-chunk-bytes", config.upload().maxChunkBytes(), 1);
    atLeast(wrong, "trainyard.upload.ingest-threads", config.upload().ingestThreads(), 1);
    atLeast(wrong, "trainyard.upload.ingest-threads-per-tenant", config.upload().ingestThreadsPerTenant(), 1);
    atLeast(wrong, "trainyard.upload.ingest-wait (ms)", config.upload().ingestWait().toMillis(), 0);
    atLeast(wrong, "trainyard.upload.expire-after (ms)", config.upload().expireAfter().toMillis(), 1);
    config.quota().storageBytes().ifPresent(v -> atLeast(wrong, "trainyard.quota.storage-bytes", v, 0));
    config.quota().concurrentJobs().ifPresent(v -> atLeast(wrong, "trainyard.quota.concurrent-jobs", v, 0));
    config.quota().openUploads().ifPresent(v -> atLeast(wrong, "trainyard.quota.open-uploads", v, 0));
    config.quota().gpus().ifPresent(v -> atLeast(wrong, "trainyard.quota.gpus", v, 0));
    atLeast(wrong, "trainyard.jobs.resend-interval (ms)", config.jobs().resendInterval().toMillis(), 1);
    atLeast(wrong, "trainyard.jobs.resend-max-interval (ms)", config.jobs().resendMaxInterval().toMillis(),
        config.jobs().resendInterval().toMillis());
    atLeast(wrong, "trainyard.jobs.max-attempts", config.jobs().maxAttempts(), 1);
    atLeast(wrong, "trainyard.jobs.reconcile-after (ms)", config.jobs().reconcileAfter().toMillis(), 1000);
    atLeast(wrong, "trainyard.health.min-free-disk-mb", config.health().minFreeDiskMb(), 0);
    between(wrong, "trainyard.kafka.embedded-port", config.kafka().embeddedPort(), 0, 65_535);
    if (!HOST.matcher(config.kafka().advertisedHost()).matches()) {
      wrong.add("trainyard.kafka.advertised-host must be a host name or IPv4 address, got \""
          + config.kafka().advertisedHost() + "\"");
    }
    try {
      Bus.security(config.kafka());
    } catch (IllegalArgumentException e) {
      wrong.add("trainyard.kafka: " + e.getMessage());
    }
    config.executor().gpus().ifPresent(g -> atLeast(wrong, "trainyard.executor.gpus", g, 0));
    config.executor().cores().ifPresent(c -> atLeast(wrong, "trainyard.executor.cores", c, 1));
    config.executor().memoryMb().ifPresent(m -> atLeast(wrong, "trainyard.executor.memory-mb", m, 1));
    between(wrong, "trainyard.executor.data-port", config.executor().dataPort(), 0, 65_535);
    config.executor().dataHost().filter(h -> !HOST.matcher(h).matches()).ifPresent(h -> wrong.add(
        "trainyard.executor.data-host must be a host name or IPv4 address, got \"" + h + "\""));
    atLeast(wrong, "trainyard.executor.peer-timeout (ms)", config.executor().peerTimeout().toMillis(), 1);
    if (!wrong.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration: " + String.join("; ", wrong));
    }
  }

  private static void atLeast(List<String> wrong, String key, long value, long min) {
    if (value < min) {
      wrong.add(key + " must be at least " + min + ", got " + value);
    }
  }

  private static void between(List<String> wrong, String key, long value, long min, long max) {
    if (value < min || value > max) {
      wrong.add(key + " must be " + min + ".." + max + ", got " + value);
    }
  }

  void stop(@Observes ShutdownEvent shutdown) {
    demo.stop();
    metrics.stop();
    roles.stop();
    studies.stop();
    heartbeats.stop();
    events.stop();
    bus.stop();
    EmbeddedPostgresServer.stop();
  }
}
