package trainyard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server that cannot start says why in one line and exits non-zero: no stack trace,
 * whether a setting is impossible or the broker it is told to join does not answer.
 */
class StartupRefusalIT {
  @TempDir Path data;

  @Test
  void anImpossibleSettingIsOneLine() throws Exception {
    List<String> out = refused(Map.of("TRAINYARD_UPLOAD_MAX_BYTES", "0"));
    assertEquals("invalid configuration: trainyard.upload.max-bytes must be at least 1, got 0", out.get(out.size() - 1));
  }

  @Test
  void aBrokerThatDoesNotAnswerIsOneLineNamingTheSetting() throws Exception {
    String servers = "127.0.0.1:" + PackagedServer.freePort();
    List<String> out = refused(Map.of("TRAINYARD_ROLES", "executor", "TRAINYARD_KAFKA_BOOTSTRAP_SERVERS", servers));
    assertEquals("no Kafka broker answered at " + servers + " within 30 s; check trainyard.kafka.bootstrap-servers"
        + " (TRAINYARD_KAFKA_BOOTSTRAP_SERVERS) and that the broker is up", out.get(out.size() - 1));
    // Kafka's reconnect warnings while it waited: the first only (QuietReconnects), not one a second.
    assertTrue(out.stream().filter(l -> l.contains("could not be established")).count() <= 1, String.join("\n", out));
  }

  /** Runs the packaged server with {@code env}; asserts it exits non-zero without a stack trace; returns its output. */
  private List<String> refused(Map<String, String> env) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("trainyard.server.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-Dquarkus.http.port=" + PackagedServer.freePort(),
        "-Dtrainyard.data-dir=" + data, "-jar", jar.toString())).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] bytes = p.getInputStream().readAllBytes(); // until it exits
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "still running");
    List<String> lines = new ArrayList<>();
    for (String l : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (!l.isBlank()) {
        lines.add(l.strip());
      }
    }
    assertNotEquals(0, p.exitValue(), String.join("\n", lines));
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("at ") || l.startsWith("Caused by")), String.join("\n", lines));
    return lines;
  }
}
