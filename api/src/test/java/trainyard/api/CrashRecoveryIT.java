package trainyard.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One start is enough after a crash. The packaged server is killed with SIGKILL together with its
 * PostgreSQL watch (as a kill of its whole process group would), which leaves its embedded
 * PostgreSQL running on the data directory; the next start stops that orphan and serves. Killed
 * again, alone this time (the OOM killer's way), its watch stops the PostgreSQL within its grace.
 * Runs the real jar (failsafe, after {@code package}).
 */
class CrashRecoveryIT {
  private static final Duration BOOT = Duration.ofSeconds(40);
  private static final String WATCH = "trainyard-postmaster-watch";

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  private int port;

  @Test
  void aKilledServerComesBackWithOneStartAndLeavesNoPostgresBehind() throws Exception {
    port = PackagedServer.freePort();
    Process first = start();
    ProcessHandle orphan = postmaster();
    List<ProcessHandle> watch = first.children()
        .filter(p -> p.info().commandLine().orElse("").contains(WATCH))
        .flatMap(p -> Stream.concat(Stream.of(p), p.descendants())).toList();
    assertFalse(watch.isEmpty(), "the server watches its PostgreSQL");
    watch.forEach(ProcessHandle::destroyForcibly);
    first.destroyForcibly();
    assertTrue(first.waitFor(10, TimeUnit.SECONDS));
    assertTrue(orphan.isAlive(), "killed with its watch, the server leaves its PostgreSQL running");

    Process second = start();
    try {
      assertFalse(orphan.isAlive(), "the new server stopped the orphan");
      ProcessHandle postgres = postmaster();
      second.destroyForcibly();
      assertTrue(second.waitFor(10, TimeUnit.SECONDS));
      postgres.onExit().get(15, TimeUnit.SECONDS); // the watch's grace is 10 s; it needs none here
    } finally {
      second.destroyForcibly();
    }
  }

  /** The postmaster running on the data directory (pg_ctl starts it: it is no child of the server). */
  private ProcessHandle postmaster() throws IOException {
    long pid = Long.parseLong(Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
    return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no PostgreSQL with pid " + pid));
  }

  private Process start() throws IOException, InterruptedException {
    return PackagedServer.start(port, data, "crash-recovery-it-server.log", BOOT);
  }

  private int get(String path) throws IOException, InterruptedException {
    String token = Files.readString(data.resolve("admin-token")).trim();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

}
