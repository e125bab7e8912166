package trainyard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.api.demo.DemoData;

/**
 * Everything survives a restart: the packaged server is started on an empty data directory,
 * trains a job, is stopped (SIGTERM) and started again on the same directory; the dataset,
 * job, metrics, model and admin token are all still there, and a job it left waiting is
 * re-published with its next attempt. Its embedded PostgreSQL, killed, comes back with everything.
 * A study goes on after a restart without running its finished trials again. Runs the real jar
 * (failsafe, after {@code package}).
 */
class RestartIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BOOT = Duration.ofSeconds(120);

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  /** A file uploaded in chunks across the restart. */
  private final byte[] file = DemoData.libsvm(5000, 40, 5, 4);
  private int port;
  private String token;

  @Test
  void everythingSurvivesARestart() throws Exception {
    port = PackagedServer.freePort();
    Process first = start();
    String dataset;
    String job;
    String waiting;
    String model;
    String upload;
    try {
      token = Files.readString(data.resolve("admin-token")).trim();
      dataset = send("POST", "/api/v1/datasets?name=kept&format=libsvm",
          HttpRequest.BodyPublishers.ofByteArray(DemoData.libsvm(500, 40, 5, 3))).get("id").asText();
      awaitStatus("/api/v1/datasets/" + dataset, "READY");
      job = submit("{\"name\": \"kept\", \"algorithm\": \"linear\", \"dataset\": \"" + dataset + "\","
          + " \"validation\": {\"fraction\": 0.2}, \"params\": {\"epochs\": 1},"
          + " \"resources\": {\"workers\": 1, \"servers\": 1}}");
      model = awaitStatus("/api/v1/jobs/" + job, "SUCCEEDED").get("modelId").asText();
      waiting = submit("{\"name\": \"waits\", \"algorithm\": \"linear\", \"dataset\": \"" + dataset + "\","
          + " \"resources\": {\"workers\": 1, \"servers\": 1, \"gpus\": 64}}");
      // A resumable upload half sent when the server stops, ingested meanwhile as it arrived.
      upload = send("POST", "/api/v1/uploads", HttpRequest.BodyPublishers.ofString("{\"name\": \"halfway\","
          + " \"format\": \"libsvm\", \"size\": " + file.length + "}")).get("id").asText();
      sendChunks(upload, 0, file.length / 2);
    } finally {
      stop(first);
    }

    Process second = start();
    try {
      assertEquals(token, Files.readString(data.resolve("admin-token")).trim(), "the admin token is kept");
      assertEquals(500, send("GET", "/api/v1/datasets/" + dataset, null).get("stats").get("rows").asLong());
      JsonNode kept = send("GET", "/api/v1/jobs/" + job, null);
      assertEquals("SUCCEEDED", kept.get("status").asText());
      assertEquals(model, kept.get("modelId").asText());
      assertTrue(send("GET", "/api/v1/jobs/" + job + "/metrics", null).size() >= 4, "metrics are kept");
      assertEquals(job, send("GET", "/api/v1/models/" + model, null).get("jobId").asText());
      assertEquals(1, send("POST", "/api/v1/models/" + model + "/predict",
          HttpRequest.BodyPublishers.ofString("1:1 2:1\n")).get("predictions").size());
      JsonNode again = send("GET", "/api/v1/jobs/" + waiting, null);
      assertEquals("QUEUED", again.get("status").asText());
      assertEquals(2, again.get("attempt").asInt(), "an unfinished job is re-published with attempt 2");

      long received = send("GET", "/api/v1/uploads/" + upload, null).get("received").asLong();
      sendChunks(upload, received, file.length);
      String resumed = send("POST", "/api/v1/uploads/" + upload + "/complete", HttpRequest.BodyPublishers.ofString(
          "{\"sha256\": \"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)) + "\"}"))
          .get("id").asText();
      assertEquals(5000, awaitStatus("/api/v1/datasets/" + resumed, "READY").get("stats").get("rows").asLong());
      awaitEmpty(data.resolve("uploads"));

      // The embedded PostgreSQL killed, as the kernel's OOM killer would: the server starts it
      // again on the same directory, and everything is there; meanwhile it answers 503.
      // pg_ctl starts it, so it is no child of the server's JVM: it is known by its data directory
      String pgData = data.resolve("postgres").toString();
      ProcessHandle postgres = ProcessHandle.allProcesses()
          .filter(p -> p.info().command().orElse("").endsWith("/postgres")
              && p.info().commandLine().orElse("").contains(pgData))
          .findFirst().orElseThrow(() -> new AssertionError("no embedded PostgreSQL on " + pgData));
      postgres.destroyForcibly();
      postgres.onExit().get(30, TimeUnit.SECONDS);
      awaitAnswer("/api/v1/datasets/" + dataset);
      assertEquals(500, send("GET", "/api/v1/datasets/" + dataset, null).get("stats").get("rows").asLong());
      String after = send("POST", "/api/v1/datasets?name=after-crash&format=libsvm",
          HttpRequest.BodyPublishers.ofByteArray(DemoData.libsvm(200, 40, 5, 5))).get("id").asText();
      assertEquals("READY", send("GET", "/api/v1/datasets/" + after, null).get("status").asText());
    } finally {
      stop(second);
    }
  }

  /**
   * A study stopped with its server (SIGTERM) between trials goes on after the start where it was:
   * its finished trials are kept as they ended, not run again; the rest run, and it ends with the
   * best of all of them.
   */
  @Test
  void aStudyGoesOnAfterARestart() throws Exception {
    port = PackagedServer.freePort();
    Process first = start();
    String study;
    JsonNode before;
    try {
      String dataset = send("POST", "/api/v1/datasets?name=tune&format=libsvm",
          HttpRequest.BodyPublishers.ofByteArray(DemoData.libsvm(20_000, 40, 5, 3))).get("id").asText();
      awaitStatus("/api/v1/datasets/" + dataset, "READY");
      study = send("POST", "/api/v1/studies", HttpRequest.BodyPublishers.ofString("{\"spec\": {\"name\": \"tune\", "
          + "\"algorithm\": \"linear\", \"dataset\": \"" + dataset + "\", \"validation\": {\"fraction\": 0.25}, "
          + "\"params\": {\"epochs\": 3}, \"resources\": {\"workers\": 1, \"servers\": 1}}, \"space\": "
          + "{\"params.learningRate\": {\"type\": \"float\", \"min\": 0.003, \"max\": 0.3, \"scale\": \"log\"}}, "
          + "\"objective\": {\"metric\": \"val_logloss\"}, \"budget\": {\"trials\": 4, \"maxParallel\": 1}, "
          + "\"method\": {\"type\": \"random\"}, \"seed\": 3}")).get("id").asText();
      before = awaitTrial(study, 0, "SUCCEEDED");
    } finally {
      stop(first);
    }
    assertTrue(!before.get("status").asText().equals("SUCCEEDED"), "the study was stopped before its end: " + before);

    Process second = start();
    try {
      JsonNode done = awaitStatus("/api/v1/studies/" + study, "SUCCEEDED");
      JsonNode trials = done.get("trials");
      assertEquals(4, trials.size(), done.toString());
      for (int i = 0; i < before.get("trials").size(); i++) {
        JsonNode was = before.get("trials").get(i);
        assertEquals(was.get("jobId").asText(), trials.get(i).get("jobId").asText(), "trial " + i + " keeps its job");
        assertEquals(was.get("params"), trials.get(i).get("params"), "trial " + i + " keeps its parameters");
        if (was.get("state").asText().equals("SUCCEEDED")) {
          JsonNode job = send("GET", "/api/v1/jobs/" + was.get("jobId").asText(), null);
          assertEquals(1, job.get("attempt").asInt(), "finished trial " + i + " is not run again: " + job);
          assertEquals(was.get("objective").asDouble(), trials.get(i).get("objective").asDouble(), 0,
              "finished trial " + i + " keeps its result");
        }
      }
      assertEquals(4, send("GET", "/api/v1/jobs?limit=100", null).get("items").size(), "one job per trial");
      double best = Double.MAX_VALUE;
      for (JsonNode t : trials) {
        assertEquals("SUCCEEDED", t.get("state").asText(), done.toString());
        best = Math.min(best, t.get("objective").asDouble());
      }
      assertEquals(best, done.get("bestObjective").asDouble(), 0, done.toString());
    } finally {
      stop(second);
    }
  }

  /** The study once its trial {@code index} is in {@code state}. */
  private JsonNode awaitTrial(String study, int index, String state) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode node = null;
    while (System.nanoTime() < deadline) {
      node = send("GET", "/api/v1/studies/" + study, null);
      JsonNode trial = node.get("trials").get(index);
      if (trial != null && state.equals(trial.get("state").asText())) {
        return node;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("trial " + index + " of " + study + " did not become " + state + ": " + node);
  }

  /** Waits for {@code path} to answer 200, while it answers 503 (the database comes back). */
  private void awaitAnswer(String path) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return;
      }
      assertEquals(503, response.statusCode(), response.body());
      if (System.nanoTime() > deadline) {
        throw new AssertionError(path + " still answers 503 after 60 s: " + response.body());
      }
      Thread.sleep(200);
    }
  }

  /** The server on this test's port and data; the admin token it created read for {@link #send}. */
  private Process start() throws IOException, InterruptedException {
    Process p = PackagedServer.start(port, data, "restart-it-server.log", BOOT);
    token = Files.readString(data.resolve("admin-token")).trim();
    return p;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM: a graceful shutdown, as an operator would stop it
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the server did not stop within 60 s of SIGTERM");
    }
  }

  private String submit(String spec) throws IOException, InterruptedException {
    return send("POST", "/api/v1/jobs", HttpRequest.BodyPublishers.ofString(spec)).get("id").asText();
  }

  private JsonNode awaitStatus(String path, String want) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode node = null;
    while (System.nanoTime() < deadline) {
      node = send("GET", path, null);
      if (want.equals(node.get("status").asText())) {
        return node;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " did not become " + want + ": " + node);
  }

  private JsonNode send(String method, String path, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body)
        .timeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** Sends bytes {@code from..to-1} of {@code file} in chunks of 16 KiB, each with its digest. */
  private void sendChunks(String upload, long from, long to) throws Exception {
    for (long at = from; at < to; at += 16 * 1024) {
      int end = (int) Math.min(to, at + 16 * 1024);
      byte[] chunk = java.util.Arrays.copyOfRange(file, (int) at, end);
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/uploads/" + upload))
          .header("Authorization", "Bearer " + token)
          .header("Content-Range", "bytes " + at + "-" + (end - 1) + "/" + file.length)
          .header("Content-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(
              MessageDigest.getInstance("SHA-256").digest(chunk)) + ":")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(chunk)).timeout(Duration.ofSeconds(30)).build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
    }
  }

  /** The raw file and the tail's work files go once the dataset is ready. */
  private static void awaitEmpty(Path dir) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<Path> left;
    do {
      try (Stream<Path> files = Files.list(dir)) {
        left = files.toList();
      }
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(dir + " still holds " + left);
  }

}
