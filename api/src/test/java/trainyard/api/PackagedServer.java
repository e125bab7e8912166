package trainyard.api;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The packaged all-in-one server (target/quarkus-app, what {@code bin/trainyard-server} runs) as a
 * process of an IT. Public for other modules' ITs (clients/java), which name api's jar in the
 * system property {@code trainyard.server.jar}.
 */
public final class PackagedServer {
  private PackagedServer() {}

  /**
   * Starts it on {@code port} with its data in {@code data} and its output appended to
   * target/{@code log}; returns once it answers the admin token it created; fails, stopping it,
   * when it exits first or takes longer than {@code boot}.
   */
  public static Process start(int port, Path data, String log, Duration boot) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("trainyard.server.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-Dquarkus.http.port=" + port,
        "-Dtrainyard.data-dir=" + data, "-jar", jar.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", log).toFile()))
        .start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + boot.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("the server exited with " + p.exitValue() + "; see target/" + log);
      }
      if (Files.exists(data.resolve("admin-token"))) {
        try {
          HttpRequest whoami = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/whoami"))
              .header("Authorization", "Bearer " + Files.readString(data.resolve("admin-token")).trim())
              .timeout(Duration.ofSeconds(10)).build();
          if (http.send(whoami, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return p;
          }
        } catch (IOException e) {
          // not listening yet
        }
      }
      Thread.sleep(200);
    }
    p.destroyForcibly();
    throw new AssertionError("the server did not start within " + boot.toSeconds() + " s; see target/" + log);
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
