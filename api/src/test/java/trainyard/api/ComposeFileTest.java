package trainyard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml without Docker: no password has a default (each comes from {@code .env},
 * whose template {@code .env.example} names them all), every long-running service has a health
 * check, and Kafka's published listener takes SASL/SCRAM credentials only.
 */
class ComposeFileTest {
  private static final Path ROOT = Path.of("..");
  /** Environment keys that hold a secret. */
  private static final Pattern SECRET = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|JAAS).*");
  /** A whole value that is one variable, required ({@code :?}) or empty unless set ({@code :-} with nothing after). */
  private static final Pattern FROM_ENV = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:\\?[^}]*|:-)?}");

  private final ComposeFile compose = load();

  private static ComposeFile load() {
    try {
      return ComposeFile.load(ROOT.resolve("docker-compose.yml"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void noSecretIsWrittenInTheFileAndEachComesFromDotEnv() throws IOException {
    Map<String, String> example = ComposeFile.dotEnv(ROOT.resolve(".env.example"));
    for (String service : compose.services()) {
      for (Map.Entry<String, String> e : compose.rawEnvironment(service).entrySet()) {
        if (SECRET.matcher(e.getKey()).matches() && !e.getKey().endsWith("_JAAS_CONFIG")) {
          assertTrue(FROM_ENV.matcher(e.getValue()).matches(),
              service + ": " + e.getKey() + " must come from .env without a default, got " + e.getValue());
        }
        if (e.getValue().contains(":?")) {
          String variable = e.getValue().substring(2, e.getValue().indexOf(':'));
          assertTrue(example.containsKey(variable), variable + " (required by " + service + ") is in .env.example");
        }
      }
    }
    // A JAAS line may name a login module, never credentials.
    compose.rawEnvironment("kafka").forEach((k, v) ->
        assertFalse(v.contains("password="), "kafka: " + k + " holds a password"));
  }

  @Test
  void composeRefusesToStartWithoutThePasswords() throws IOException {
    Map<String, String> example = ComposeFile.dotEnv(ROOT.resolve(".env.example"));
    assertEquals(example.get("POSTGRES_PASSWORD"),
        compose.environment("api", example).get("QUARKUS_DATASOURCE_PASSWORD"));
    Map<String, String> without = new HashMap<>(example);
    without.remove("POSTGRES_PASSWORD");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> compose.environment("postgres", without));
    assertTrue(e.getMessage().contains("POSTGRES_PASSWORD"), e.getMessage());
    without.put("POSTGRES_PASSWORD", "");
    assertThrows(IllegalArgumentException.class, () -> compose.environment("api", without));
  }

  @Test
  void everyLongRunningServiceHasAHealthCheck() {
    for (String service : compose.services()) {
      if ("no".equals(compose.get(service, "restart"))) {
        // A one-shot job: others wait for service_completed_successfully, its exit status.
        continue;
      }
      Object check = compose.get(service, "healthcheck");
      assertTrue(check instanceof Map<?, ?> m && m.get("test") instanceof List<?> test && !test.isEmpty()
          && !Boolean.TRUE.equals(m.get("disable")), service + " has no health check: " + check);
    }
  }

  @Test
  void kafkaTakesOnlyScramCredentialsOnTheListenerItPublishes() throws IOException {
    Map<String, String> env = compose.environment("kafka", ComposeFile.dotEnv(ROOT.resolve(".env.example")));
    Map<String, String> protocols = pairs(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"));
    Map<String, String> listenerPorts = new HashMap<>();
    for (String listener : env.get("KAFKA_LISTENERS").split(",")) {
      String[] nameAndAddress = listener.split("://");
      listenerPorts.put(nameAndAddress[1].substring(nameAndAddress[1].lastIndexOf(':') + 1), nameAndAddress[0]);
    }
    Object ports = compose.get("kafka", "ports");
    assertTrue(ports instanceof List<?> list && !list.isEmpty(), "kafka publishes a listener for other machines");
    for (Object port : (List<?>) ports) {
      String container = String.valueOf(port).substring(String.valueOf(port).lastIndexOf(':') + 1);
      String listener = listenerPorts.get(container);
      assertEquals("SASL_PLAINTEXT", protocols.get(listener), "published port " + port + " (listener " + listener + ")");
      String mechanisms = env.get("KAFKA_SASL_ENABLED_MECHANISMS");
      assertEquals("SCRAM-SHA-512", mechanisms, "SCRAM only: PLAIN would send the password in the clear");
      String jaas = env.get("KAFKA_LISTENER_NAME_" + listener + "_SCRAM___SHA___512_SASL_JAAS_CONFIG");
      assertTrue(jaas != null && jaas.startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required"),
          "the " + listener + " listener logs SCRAM users in: " + jaas);
    }
    for (Map.Entry<String, String> listener : listenerPorts.entrySet()) {
      if (!protocols.get(listener.getValue()).startsWith("SASL")) {
        assertFalse(((List<?>) ports).stream().anyMatch(p -> String.valueOf(p).endsWith(":" + listener.getKey())),
            "the plaintext listener " + listener.getValue() + " is not published");
      }
    }
    // The SCRAM user those credentials name is created, from .env, before the servers start.
    String command = String.valueOf(compose.get("kafka-topics", "command"));
    assertTrue(command.contains("--entity-type users") && command.contains("SCRAM-SHA-512=[password=$$KAFKA_SASL_PASSWORD]"),
        command);
    assertEquals(Map.of("KAFKA_SASL_USERNAME", "trainyard", "KAFKA_SASL_PASSWORD", "change-me-kafka"),
        compose.environment("kafka-topics", ComposeFile.dotEnv(ROOT.resolve(".env.example"))));
  }

  /** "A:B,C:D" as a map. */
  private static Map<String, String> pairs(String list) {
    Map<String, String> out = new HashMap<>();
    for (String pair : list.split(",")) {
      String[] kv = pair.split(":");
      out.put(kv[0], kv[1]);
    }
    return out;
  }
}
