package trainyard.bus;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker and KRaft controller in this JVM, for the all-in-one server and tests.
 * Its log lives in a directory of the caller's choosing: started again on the same directory
 * (and the same port, so that clients find it) it has every message it had. Creates the four
 * {@link Topics} if they are missing.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, and more than once.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final String CONTROLLER = "CONTROLLER";
  private static final int NODE_ID = 1;

  private static final String LOOPBACK = "127.0.0.1";

  private final KafkaRaftServer server;
  private final int port;
  private final String advertisedHost;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, int port, String advertisedHost) {
    this.server = server;
    this.port = port;
    this.advertisedHost = advertisedHost;
  }

  /** Starts a broker on a free port with its log under {@code dir}. */
  public static EmbeddedKafka start(Path dir) {
    return start(dir, 0);
  }

  /**
   * Starts a broker with its log under {@code dir} (formatted on first use) listening on
   * 127.0.0.1:{@code port} (0: a free port), and waits until the four topics exist.
   */
  public static EmbeddedKafka start(Path dir, int port) {
    return start(dir, port, LOOPBACK);
  }

  /**
   * As {@link #start(Path, int)}, for clients on other machines too: the broker tells clients to
   * reach it at {@code advertisedHost}:{@code port}. A loopback host ({@code 127.0.0.1},
   * {@code localhost}) keeps it listening on loopback only; any other makes it listen on every
   * interface, so that the machines that resolve that name reach it. It has no authentication:
   * expose it to trusted networks only.
   */
  public static EmbeddedKafka start(Path dir, int port, String advertisedHost) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (advertisedHost == null || advertisedHost.isBlank() || advertisedHost.contains(":")
        || advertisedHost.contains(",")) {
      throw new IllegalArgumentException("advertised host must be a host name or IPv4 address, got " + advertisedHost);
    }
    String listenHost = isLoopback(advertisedHost) ? LOOPBACK : "0.0.0.0";
    int brokerPort = port == 0 ? freePort(listenHost) : port;
    int controllerPort = freePort(LOOPBACK);
    Path logDir = dir.toAbsolutePath();
    try {
      Files.createDirectories(logDir);
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(logDir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Kafka log directory " + logDir, e);
    }
    KafkaRaftServer server = new KafkaRaftServer(
        KafkaConfig.fromProps(config(logDir, listenHost, brokerPort, advertisedHost, controllerPort), false),
        Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      throw new IllegalStateException("cannot start the embedded Kafka broker on " + listenHost + ":" + brokerPort
          + " with its log in " + logDir + ": " + e.getMessage(), e);
    }
    EmbeddedKafka kafka = new EmbeddedKafka(server, brokerPort, advertisedHost);
    try {
      Topics.ensureCreated(kafka.bootstrapServers());
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /** {@code host:port} for the clients' {@code bootstrap.servers} on this machine. */
  public String bootstrapServers() {
    return LOOPBACK + ":" + port;
  }

  /** {@code advertisedHost:port}: what clients on other machines (or this one) put in {@code bootstrap.servers}. */
  public String advertisedServers() {
    return advertisedHost + ":" + port;
  }

  /** Whether clients on other machines can reach it: it was started with an advertised host other than loopback. */
  public boolean reachableFromOtherMachines() {
    return !isLoopback(advertisedHost);
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  public int port() {
    return port;
  }

  /** Stops the broker, flushing its log; the directory can be started again. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
  }

  private static Properties config(Path logDir, String listenHost, int brokerPort, String advertisedHost,
      int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + listenHost + ":" + brokerPort + ","
        + CONTROLLER + "://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + advertisedHost + ":" + brokerPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("metadata.log.dir", logDir.toString());
    // One node: every replicated internal topic has a single replica, and few partitions
    // keep start-up fast.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    // The log cleaner (it compacts __consumer_offsets) takes a 128 MiB heap buffer by default:
    // a quarter of a 512 MiB server heap, kept for the life of the process. Our offsets topic
    // holds a few thousand records; 4 MiB maps over 100k of them per cleaning pass.
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 << 20));
    return p;
  }

  private static void format(Path logDir) {
    Formatter formatter = new Formatter()
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .addDirectory(logDir.toString())
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName(CONTROLLER)
        .setReleaseVersion(MetadataVersion.latestProduction())
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setUnstableFeatureVersionsEnabled(false)
        .setIgnoreFormatted(true)
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()));
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format the Kafka log directory " + logDir + ": " + e.getMessage(), e);
    }
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }
}
