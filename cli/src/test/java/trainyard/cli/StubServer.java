package trainyard.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A loopback HTTP server for CLI tests: under one path it answers what {@code answers} makes of
 * the request's path (and method), JSON when the status is 200 and problem+json otherwise.
 */
final class StubServer implements AutoCloseable {
  record Answer(int status, String body, Map<String, String> headers) {
    Answer(int status, String body) {
      this(status, body, Map.of());
    }
  }

  private final HttpServer http;

  StubServer(String path, Function<String, Answer> answers) throws IOException {
    this(path, (method, p) -> answers.apply(p));
  }

  /** {@code answers} is given the request's method and path; a 204 goes out without a body. */
  StubServer(String path, BiFunction<String, String, Answer> answers) throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(path, ex -> {
      Answer a = answers.apply(ex.getRequestMethod(), ex.getRequestURI().getPath());
      byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", a.status() == 200 ? "application/json" : "application/problem+json");
      a.headers().forEach(ex.getResponseHeaders()::set);
      ex.sendResponseHeaders(a.status(), a.status() == 204 ? -1 : b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(a.status() == 204 ? new byte[0] : b);
      }
    });
    http.start();
  }

  /** The CLI, pointed at this server with a token, its settings in {@code home}. */
  CliRun cli(Path home, String... args) {
    return cli(home, ms -> { }, args);
  }

  /** As {@link #cli(Path, String...)}, its pauses going to {@code sleeper}. */
  CliRun cli(Path home, Console.Sleeper sleeper, String... args) {
    return CliRun.of(Map.of("TRAINYARD_URL", "http://127.0.0.1:" + http.getAddress().getPort(),
        "TRAINYARD_TOKEN", "t0k", "TRAINYARD_HOME", home.toString()), sleeper, args);
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
