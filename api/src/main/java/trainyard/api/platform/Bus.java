package trainyard.api.platform;

import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jboss.logging.Logger;
import trainyard.bus.BusProducer;
import trainyard.bus.EmbeddedKafka;
import trainyard.bus.JobMessage;
import trainyard.bus.KafkaClients;
import trainyard.bus.Topics;
import trainyard.executor.ExecutorOptions;

/**
 * The Kafka side of this process: the configured broker, or an embedded one under data/kafka,
 * and one shared producer. Started and stopped by {@link Platform}. Thread-safe after start.
 */
@ApplicationScoped
public class Bus {
  private static final Logger LOG = Logger.getLogger(Bus.class);
  /** The longest {@link #publish} waits: the producer's max.block.ms, which bounds its send's wait for metadata. */
  static final java.time.Duration ACK_WAIT = java.time.Duration.ofSeconds(15);

  @Inject TrainyardConfig config;
  @Inject BlobStore blobs;

  private volatile EmbeddedKafka embedded;
  private volatile String bootstrapServers;
  private volatile BusProducer producer;

  void start() {
    KafkaClients.use(security(config.kafka()));
    bootstrapServers = config.kafka().bootstrapServers().orElse(null);
    if (bootstrapServers == null) {
      String host = config.kafka().advertisedHost();
      embedded = EmbeddedKafka.start(blobs.kafka(), port(), host);
      bootstrapServers = embedded.bootstrapServers();
      remember(embedded.port());
      LOG.infof("embedded Kafka started on %s (%s), log in %s", embedded.advertisedServers(),
          embedded.reachableFromOtherMachines() ? "every interface" : "loopback only", blobs.kafka());
    }
    // An external broker may not auto-create topics; creating the missing ones is idempotent, so
    // the embedded broker takes the same path.
    try {
      Topics.ensureCreated(bootstrapServers);
    } catch (IllegalStateException e) {
      // Quarkus prints a ConfigurationException's message alone: one line, no stack trace.
      throw new ConfigurationException(e.getMessage() + (embedded != null ? ""
          : "; check trainyard.kafka.bootstrap-servers (TRAINYARD_KAFKA_BOOTSTRAP_SERVERS) and that the broker is up"));
    }
    producer = new BusProducer(bootstrapServers, "trainyard-api");
  }

  /** The Kafka clients' security settings from {@code trainyard.kafka.*}; refuses settings that do not go together. */
  static KafkaClients.Security security(TrainyardConfig.Kafka kafka) {
    if (kafka.securityProtocol().equals(KafkaClients.Security.PLAINTEXT.protocol())) {
      return KafkaClients.Security.PLAINTEXT;
    }
    KafkaClients.Security security = new KafkaClients.Security(kafka.securityProtocol(), kafka.saslMechanism(),
        kafka.saslUsername().orElse(null), kafka.saslPassword().orElse(null));
    if (kafka.bootstrapServers().isEmpty()) {
      throw new IllegalArgumentException("Kafka security protocol " + security.protocol() + " needs an external broker "
          + "(trainyard.kafka.bootstrap-servers): the embedded one has no authentication");
    }
    return security;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Whether this process runs the embedded broker. */
  boolean embedded() {
    return embedded != null;
  }

  /**
   * The embedded broker's port: the configured one; else the one it had last time, written in
   * data/kafka-port, if it is free, so that executors joined from elsewhere find it after a
   * restart; else 0, any free port.
   */
  private int port() {
    int configured = config.kafka().embeddedPort();
    if (configured != 0) {
      return configured;
    }
    Path file = blobs.kafkaPort();
    try {
      int last = Integer.parseInt(Files.readString(file).trim());
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new InetSocketAddress(last));
      }
      return last;
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException | RuntimeException e) {
      LOG.warnf("the embedded Kafka's last port (%s) is taken or unreadable (%s); it takes a free one: "
          + "executors joined with the old port need the new one", file, e.getMessage());
      return 0;
    }
  }

  private void remember(int port) {
    try {
      Files.writeString(blobs.kafkaPort(), port + "\n");
    } catch (IOException e) {
      LOG.warnf("cannot write %s (%s): the embedded Kafka may take another port at the next start",
          blobs.kafkaPort(), e.getMessage());
    }
  }

  /** The command that starts an executor on this process's bus, for the start-up log. */
  String joinCommand() {
    String servers = embedded == null ? bootstrapServers : embedded.advertisedServers();
    boolean anywhere = embedded == null || embedded.reachableFromOtherMachines();
    return joinCommand(servers, blobs.root(), anywhere, ExecutorOptions.hostName());
  }

  /**
   * "to add an executor: TRAINYARD_ROLES=executor TRAINYARD_KAFKA_BOOTSTRAP_SERVERS=… …": the
   * roles, the bus, the same blob store, and, when only this machine can reach the bus, an
   * executor id other than this machine's default (its host name, which this process's
   * executor may use).
   */
  static String joinCommand(String bootstrapServers, Path dataDir, boolean otherMachines, String hostName) {
    String command = "TRAINYARD_ROLES=executor TRAINYARD_KAFKA_BOOTSTRAP_SERVERS=" + bootstrapServers
        + " TRAINYARD_DATA_DIR=" + dataDir;
    if (otherMachines) {
      return "to add an executor, run on a machine that sees this blob store at " + dataDir + ": " + command
          + " bin/trainyard-server (a second one on the same machine also needs its own TRAINYARD_EXECUTOR_ID)";
    }
    return "to add an executor on this machine, run: " + command + " TRAINYARD_EXECUTOR_ID=" + hostName + "-2"
        + " bin/trainyard-server (Kafka listens on loopback only: set TRAINYARD_KAFKA_ADVERTISED_HOST to a name"
        + " other machines resolve to this one to join executors from them)";
  }

  /**
   * Sends and waits for the broker's acknowledgement, so a caller knows the message is safe; for
   * {@link #ACK_WAIT} at most. A message queued while the broker went away would otherwise be
   * waited for through the producer's delivery timeout (120 s): longer than a client waits for
   * its submit's answer (the load and fault suite's broker outage found submits unanswered after
   * 30 s). The producer may still deliver it later; a duplicate SUBMIT is harmless.
   *
   * @throws IllegalStateException when Kafka does not take it in time
   */
  public void publish(JobMessage message) {
    long deadline = System.nanoTime() + ACK_WAIT.toNanos();
    try {
      java.util.concurrent.Future<?> sent = producer.send(message);
      sent.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Kafka did not acknowledge job message for " + message.jobId() + " within "
          + ACK_WAIT.toSeconds() + " s", e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IllegalStateException("Kafka refused job message for " + message.jobId() + ": " + e.getMessage(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("Kafka refused job message for " + message.jobId() + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing job " + message.jobId(), e);
    }
  }

  public BusProducer producer() {
    return producer;
  }

  void stop() {
    if (producer != null) {
      producer.close();
      producer = null;
    }
    if (embedded != null) {
      embedded.close();
      embedded = null;
    }
  }
}
