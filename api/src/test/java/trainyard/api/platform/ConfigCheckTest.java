package trainyard.api.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import trainyard.bus.KafkaClients;
import trainyard.executor.ExecutorOptions;
import trainyard.executor.GpuOffer;

/** The server refuses to start on settings no key may take, and says which, all at once. */
class ConfigCheckTest {
  private static TrainyardConfig config(Map<String, String> properties) {
    // Quarkus's converter reads "30s", as the server does
    SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(TrainyardConfig.class)
        .withConverter(Duration.class, 200, new DurationConverter())
        .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
    return config.getConfigMapping(TrainyardConfig.class);
  }

  @Test
  void theDefaultsPassAndImpossibleNumbersAreNamed() {
    Platform.requireValid(config(Map.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Platform.requireValid(config(Map.of(
        "trainyard.upload.max-bytes", "-1", "trainyard.upload.ingest-threads", "0",
        "trainyard.upload.ingest-threads-per-tenant", "0", "trainyard.upload.ingest-wait", "-1s",
        "trainyard.executor.cores", "0", "trainyard.jobs.resend-interval", "0s", "trainyard.executor.gpus", "-1",
        "trainyard.health.min-free-disk-mb", "-1"))));
    assertEquals("invalid configuration: trainyard.upload.max-bytes must be at least 1, got -1; "
        + "trainyard.upload.ingest-threads must be at least 1, got 0; trainyard.upload.ingest-threads-per-tenant must "
        + "be at least 1, got 0; trainyard.upload.ingest-wait (ms) must be at least 0, got -1000; "
        + "trainyard.jobs.resend-interval (ms) must be "
        + "at least 1, got 0; trainyard.health.min-free-disk-mb must be at least 0, got -1; trainyard.executor.gpus must be at least 0, got -1; trainyard.executor.cores must be at "
        + "least 1, got 0", e.getMessage());
  }

  @Test
  void quotasAndExpiryAreCheckedToo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Platform.requireValid(config(Map.of(
        "trainyard.upload.expire-after", "0s", "trainyard.quota.storage-bytes", "-1",
        "trainyard.quota.concurrent-jobs", "-2", "trainyard.quota.open-uploads", "-3", "trainyard.quota.gpus", "-4",
        "trainyard.jobs.resend-interval", "1m", "trainyard.jobs.resend-max-interval", "30s"))));
    assertEquals("invalid configuration: trainyard.upload.expire-after (ms) must be at least 1, got 0; "
        + "trainyard.quota.storage-bytes must be at least 0, got -1; trainyard.quota.concurrent-jobs must be at least 0, "
        + "got -2; trainyard.quota.open-uploads must be at least 0, got -3; trainyard.quota.gpus must be at least 0, "
        + "got -4; trainyard.jobs.resend-max-interval (ms) must be at least 60000, got 30000", e.getMessage());
  }

  @Test
  void distributedKeysAreCheckedToo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Platform.requireValid(config(Map.of(
        "trainyard.jobs.max-attempts", "0", "trainyard.jobs.reconcile-after", "0.5s", "trainyard.kafka.embedded-port", "70000",
        "trainyard.kafka.advertised-host", "host:9092", "trainyard.executor.data-port", "-1",
        "trainyard.executor.data-host", "a b", "trainyard.executor.peer-timeout", "0s"))));
    assertEquals("invalid configuration: trainyard.jobs.max-attempts must be at least 1, got 0; "
        + "trainyard.jobs.reconcile-after (ms) must be at least 1000, got 500; trainyard.kafka.embedded-port must be 0..65535, got 70000; trainyard.kafka.advertised-host must be a host "
        + "name or IPv4 address, got \"host:9092\"; trainyard.executor.data-port must be 0..65535, got -1; "
        + "trainyard.executor.data-host must be a host name or IPv4 address, got \"a b\"; "
        + "trainyard.executor.peer-timeout (ms) must be at least 1, got 0", e.getMessage());
  }

  @Test
  void kafkaSaslSettingsBuildTheClientsScramLogin() {
    TrainyardConfig c = config(Map.of("trainyard.kafka.bootstrap-servers", "trainyard.example.com:9094",
        "trainyard.kafka.security-protocol", "SASL_PLAINTEXT", "trainyard.kafka.sasl-username", "remote",
        "trainyard.kafka.sasl-password", "pa\"ss"));
    Platform.requireValid(c);
    KafkaClients.Security security = Bus.security(c.kafka());
    assertEquals(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"remote\" "
            + "password=\"pa\\\"ss\";"), security.properties());
    assertEquals("SASL_PLAINTEXT SCRAM-SHA-512 as remote", security.toString(), "no password in logs");
    try {
      KafkaClients.use(security);
      Properties props = KafkaClients.properties("trainyard.example.com:9094");
      assertEquals("trainyard.example.com:9094", props.get("bootstrap.servers"));
      assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"), "every client of the process gets them");
    } finally {
      KafkaClients.use(KafkaClients.Security.PLAINTEXT);
    }
    assertEquals(Map.of("security.protocol", "PLAINTEXT"), Bus.security(config(Map.of()).kafka()).properties());
  }

  @Test
  void kafkaSettingsThatDoNotGoTogetherAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Platform.requireValid(config(Map.of(
        "trainyard.kafka.security-protocol", "SASL_PLAINTEXT", "trainyard.kafka.sasl-username", "u"))));
    assertEquals("invalid configuration: trainyard.kafka: Kafka SASL_PLAINTEXT needs a SASL username and password",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Platform.requireValid(config(Map.of(
        "trainyard.kafka.security-protocol", "SASL_SSL", "trainyard.kafka.sasl-username", "u",
        "trainyard.kafka.sasl-password", "p"))));
    assertEquals("invalid configuration: trainyard.kafka: Kafka security protocol SASL_SSL needs an external broker "
        + "(trainyard.kafka.bootstrap-servers): the embedded one has no authentication", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Platform.requireValid(config(Map.of(
        "trainyard.kafka.bootstrap-servers", "k:9094", "trainyard.kafka.security-protocol", "SASL_PLAINTEXT",
        "trainyard.kafka.sasl-mechanism", "PLAIN", "trainyard.kafka.sasl-username", "u",
        "trainyard.kafka.sasl-password", "p"))));
    assertTrue(e.getMessage().contains("Kafka SASL mechanism must be one of"), e.getMessage());
  }

  @Test
  void theExecutorsDataPortSettingsReachItsOptions() {
    TrainyardConfig c = config(Map.of("trainyard.executor.id", "ex-7", "trainyard.executor.data-port", "7070",
        "trainyard.executor.data-host", "ex-7.internal", "trainyard.executor.peer-timeout", "45s",
        "trainyard.data-dir", "/srv/blobs", "trainyard.executor.gpus", "1"));
    Roles roles = new Roles();
    roles.config = c;
    roles.blobs = new BlobStore(c);
    ExecutorOptions options = roles.executorOptions(GpuOffer.discover(roles.gpuCap()));
    assertEquals("ex-7", options.id());
    assertEquals("ex-7.internal", options.dataHost());
    assertEquals(7070, options.dataPort());
    assertEquals(Duration.ofSeconds(45), options.peerTimeout());
    assertEquals(OptionalInt.of(1), roles.gpuCap());

    TrainyardConfig defaults = config(Map.of());
    roles.config = defaults;
    roles.blobs = new BlobStore(defaults);
    ExecutorOptions plain = roles.executorOptions(GpuOffer.discover(roles.gpuCap()));
    assertEquals(0, plain.dataPort(), "any free port");
    assertEquals(ExecutorOptions.hostName(), plain.dataHost());
    assertEquals(Duration.ofSeconds(30), plain.peerTimeout());
    assertEquals(OptionalInt.empty(), roles.gpuCap(), "every GPU the driver finds");
    assertEquals(plain.gpus().size(), plain.capacity().gpus());
    assertEquals(3, defaults.jobs().maxAttempts());
    assertEquals("127.0.0.1", defaults.kafka().advertisedHost());
  }

  @Test
  void theJoinCommandNamesTheBusAndTheBlobStore() {
    assertEquals("to add an executor on this machine, run: TRAINYARD_ROLES=executor "
        + "TRAINYARD_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 TRAINYARD_DATA_DIR=/srv/data TRAINYARD_EXECUTOR_ID=box-2 "
        + "bin/trainyard-server (Kafka listens on loopback only: set TRAINYARD_KAFKA_ADVERTISED_HOST to a name other "
        + "machines resolve to this one to join executors from them)",
        Bus.joinCommand("127.0.0.1:9092", Path.of("/srv/data"), false, "box"));
    assertEquals("to add an executor, run on a machine that sees this blob store at /srv/data: "
        + "TRAINYARD_ROLES=executor TRAINYARD_KAFKA_BOOTSTRAP_SERVERS=box.lan:9092 TRAINYARD_DATA_DIR=/srv/data "
        + "bin/trainyard-server (a second one on the same machine also needs its own TRAINYARD_EXECUTOR_ID)",
        Bus.joinCommand("box.lan:9092", Path.of("/srv/data"), true, "box"));
  }
}
