package trainyard.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.cli.Console;
import trainyard.cli.Main;

/**
 * The trainyard CLI against the real all-in-one server of the api tests (embedded PostgreSQL and
 * Kafka, the same Quarkus boot): upload cut off midway and resumed, ingestion to READY, a bad
 * file's lines, submit, watch to SUCCEEDED, logs (also followed live), models, predict, and the
 * CLI's error lines and exit statuses. The CLI runs in-process through {@link Main#run}, exactly
 * as {@code bin/trainyard} runs it, with its own ~/.trainyard in a temporary directory.
 */
@QuarkusTest
@io.quarkus.test.common.WithTestResource(TestStores.class)
class CliAgainstServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 256 * 1024;

  @TestHTTPResource("/")
  URL base;

  @ConfigProperty(name = "trainyard.admin-token")
  String token;

  @TempDir
  Path tmp;

  record Run(int exit, String out, String err) {}

  private Run cli(String... args) {
    return cliAs(token, args);
  }

  private Run cliAs(String token, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false, System::nanoTime, Thread::sleep);
    Map<String, String> env = Map.of("TRAINYARD_URL", base.toString(), "TRAINYARD_TOKEN", token,
        "TRAINYARD_HOME", tmp.resolve("home").toString());
    int exit = Main.run(args, env, console);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertOneErrorLine(Run r) {
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: ") && !r.err().contains("\tat "), r.err());
  }

  /** A separable libsvm file: label 1 iff feature 1 is present, plus noise features. */
  private Path libsvm(String name, int rows, long seed) throws IOException {
    Random rnd = new Random(seed);
    StringBuilder sb = new StringBuilder(rows * 40);
    for (int i = 0; i < rows; i++) {
      boolean pos = rnd.nextBoolean();
      sb.append(pos ? 1 : 0);
      if (pos) {
        sb.append(" 1:1");
      }
      for (int k = 0; k < 4; k++) {
        sb.append(' ').append(2 + k * 50 + rnd.nextInt(50)).append(':').append(rnd.nextInt(100) / 100.0 + 0.01);
      }
      sb.append('\n');
    }
    Path f = tmp.resolve(name);
    Files.writeString(f, sb.toString(), StandardCharsets.US_ASCII);
    return f;
  }

  private JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  @Test
  void uploadCutOffMidwayResumesThenTrainsWatchesAndPredicts() throws Exception {
    Path data = libsvm("clicks.libsvm", 40_000, 42);
    long size = Files.size(data);
    assertTrue(size > 6L * CHUNK, "the file must span several chunks, is " + size);

    // 1. The upload stops after 4 chunks, as if the connection broke.
    Run cut = cli("datasets", "upload", data.toString(), "--chunk-size", String.valueOf(CHUNK),
        "--stop-after", String.valueOf(4L * CHUNK));
    assertEquals(3, cut.exit(), cut.err());
    assertTrue(cut.err().contains("run the same command again"), cut.err());
    Path states = tmp.resolve("home/uploads");
    String uploadId;
    try (Stream<Path> files = Files.list(states)) {
      Path state = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
      uploadId = json(Files.readString(state)).get("uploadId").asText();
    }
    long received = given().auth().oauth2(token).get("/api/v1/uploads/" + uploadId)
        .then().statusCode(200).extract().jsonPath().getLong("received");
    assertEquals(4L * CHUNK, received);

    // 2. A chunk cut off in the middle of its body is not counted.
    sendTruncatedChunk(uploadId, received, size);
    assertEquals(4L * CHUNK, given().auth().oauth2(token).get("/api/v1/uploads/" + uploadId)
        .then().statusCode(200).extract().jsonPath().getLong("received"));

    // 3. The same command again resumes where the server stands and follows ingestion.
    Run resumed = cli("datasets", "upload", data.toString(), "--chunk-size", String.valueOf(CHUNK));
    assertEquals(0, resumed.exit(), resumed.err());
    assertTrue(resumed.err().contains("resuming upload " + uploadId + " at 1.0 MiB"), resumed.err());
    assertTrue(resumed.out().contains("READY") && resumed.out().contains("rows 40000"), resumed.out());
    try (Stream<Path> files = Files.list(states)) {
      assertEquals(0, files.filter(p -> p.toString().endsWith(".json")).count(), "state is removed when done");
    }
    String datasetId = resumed.out().split("\\s+")[0];

    Run show = cli("datasets", "show", datasetId, "--output", "json");
    assertEquals(0, show.exit(), show.err());
    assertEquals(40_000, json(show.out()).at("/stats/rows").asLong());
    Run ls = cli("datasets", "ls");
    assertTrue(ls.out().contains(datasetId) && ls.out().contains("clicks"), ls.out());

    // 4. Submit from options, watch to SUCCEEDED.
    Run submit = cli("--output", "json", "jobs", "submit", "--algorithm", "linear",
        "--dataset", datasetId, "--set", "epochs=2", "--set", "fraction=0.2", "--set", "workers=1");
    assertEquals(0, submit.exit(), submit.err());
    String jobId = json(submit.out()).get("id").asText();
    Run watch = cli("jobs", "watch", jobId, "--interval", "200");
    assertEquals(0, watch.exit(), watch.err());
    assertTrue(watch.out().startsWith(jobId + "  SUCCEEDED"), watch.out());
    assertTrue(watch.err().contains("RUNNING") || watch.err().contains("SUCCEEDED"), watch.err());

    Run logs = cli("jobs", "logs", jobId);
    assertEquals(0, logs.exit(), logs.err());
    assertTrue(logs.out().contains("STATE    SUCCEEDED"), logs.out());
    assertTrue(logs.out().contains("METRIC") && logs.out().contains("train_loss"), logs.out());
    Run follow = cli("jobs", "logs", jobId, "-f");
    assertEquals(0, follow.exit(), follow.err());
    assertTrue(follow.out().contains("SUCCEEDED"), follow.out());

    Run jobsLs = cli("jobs", "ls");
    assertTrue(jobsLs.out().contains(jobId), jobsLs.out());

    // 5. The model: listed, shown, downloaded, used for predictions.
    String modelId = json(cli("--output", "json", "jobs", "show", jobId).out()).get("modelId").asText();
    Run models = cli("models", "ls");
    assertTrue(models.out().contains(modelId), models.out());
    assertEquals(0, cli("models", "show", modelId).exit());
    Path file = tmp.resolve("model.bin");
    Run dl = cli("models", "download", modelId, "--file", file.toString());
    assertEquals(0, dl.exit(), dl.err());
    assertTrue(Files.size(file) > 0);
    Path rows = tmp.resolve("rows.libsvm");
    Files.writeString(rows, "1 1:1 7:0.5\n0 60:0.3 120:0.2\n");
    Run predict = cli("predict", modelId, rows.toString());
    assertEquals(0, predict.exit(), predict.err());
    String[] p = predict.out().strip().split("\n");
    assertEquals(2, p.length, predict.out());
    assertTrue(Double.parseDouble(p[0]) > Double.parseDouble(p[1]), predict.out());
  }

  /** PUT with a Content-Length it never fulfils, then hang up: what a broken connection does. */
  private void sendTruncatedChunk(String uploadId, long offset, long size) throws IOException {
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = s.getOutputStream();
      String head = "PUT /api/v1/uploads/" + uploadId + " HTTP/1.1\r\n"
          + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
          + "Authorization: Bearer " + token + "\r\n"
          + "Content-Type: application/octet-stream\r\n"
          + "Content-Range: bytes " + offset + "-" + (offset + CHUNK - 1) + "/" + size + "\r\n"
          + "Content-Length: " + CHUNK + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[1000]);
      out.flush();
    }
  }

  @Test
  void noResumeStreamsTheFileInOneRequestAndKeepsNoUploadState() throws IOException {
    Path data = libsvm("streamed.libsvm", 20_000, 11); // larger than the chunk: would go resumable
    // the chunked path would stop after one chunk (the test hook) and exit 3; one request has no chunks
    Run r = cli("--output", "json", "datasets", "upload", data.toString(), "--chunk-size", String.valueOf(CHUNK),
        "--stop-after", String.valueOf(CHUNK), "--no-resume");
    assertEquals(0, r.exit(), r.err());
    JsonNode d = json(r.out());
    assertEquals("READY", d.get("status").asText());
    assertEquals(20_000, d.get("stats").get("rows").asLong());
    assertEquals(Files.size(data), d.get("uploadBytes").asLong());
    Path states = tmp.resolve("home").resolve("uploads");
    try (var listing = Files.exists(states) ? Files.list(states) : java.util.stream.Stream.<Path>empty()) {
      assertEquals(0, listing.count(), "no resumable upload was started");
    }
  }

  @Test
  void tokensAreMadeListedAndRevoked() throws IOException {
    String tenant = "cli-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    Run made = cli("--output", "json", "tokens", "create", "--tenant", tenant, "--name", "robot");
    assertEquals(0, made.exit(), made.err());
    JsonNode t = json(made.out());
    String id = t.get("id").asText();
    String secret = t.get("token").asText();
    assertEquals(0, cliAs(secret, "datasets", "ls").exit());

    Run ls = cli("tokens", "ls");
    assertEquals(0, ls.exit(), ls.err());
    assertTrue(ls.out().contains(id) && ls.out().contains("robot") && !ls.out().contains(secret), ls.out());

    Run revoked = cli("tokens", "revoke", id);
    assertEquals(0, revoked.exit(), revoked.err());
    assertTrue(revoked.out().contains(id + "  revoked"), revoked.out());
    Run refused = cliAs(secret, "datasets", "ls");
    assertEquals(1, refused.exit());
    assertOneErrorLine(refused);
    assertTrue(refused.err().contains("HTTP 401"), refused.err());
    Run again = cli("tokens", "revoke", id);
    assertEquals(1, again.exit());
    assertOneErrorLine(again);
  }

  @Test
  void aBadFileEndsFailedWithItsLines() throws IOException {
    Path bad = tmp.resolve("bad.libsvm");
    Files.writeString(bad, "1 1:1\n1 x:1\n0 2:1\n");
    Run r = cli("datasets", "upload", bad.toString());
    assertEquals(4, r.exit(), r.err());
    assertTrue(r.err().contains("FAILED") && r.err().contains("line 2"), r.err());
  }

  @Test
  void aBadFileSentInChunksEndsFailedWithItsLines() throws IOException {
    Path bad = tmp.resolve("bad-chunks.libsvm");
    Files.writeString(bad, "1 1:1 2:oops\n".repeat(500_000)); // 6 MiB, every line bad
    Run r = cli("datasets", "upload", bad.toString(), "--chunk-size", String.valueOf(CHUNK));
    assertEquals(4, r.exit(), r.err());
    assertTrue(r.err().contains("FAILED") && r.err().contains("line 1,") && r.err().contains("oops"), r.err());
    try (Stream<Path> files = Files.list(tmp.resolve("home/uploads"))) {
      assertEquals(0, files.filter(p -> p.toString().endsWith(".json")).count(), "no upload left to resume");
    }
  }

  @Test
  void aStudyIsSubmittedWatchedShownAndRefusedOnceOver() throws IOException {
    Path data = libsvm("study.libsvm", 2_000, 5);
    Run uploaded = cli("--output", "json", "datasets", "upload", data.toString());
    assertEquals(0, uploaded.exit(), uploaded.err());
    String datasetId = json(uploaded.out()).get("id").asText();
    Path spec = tmp.resolve("spec.json");
    Files.writeString(spec, "{\"name\": \"cli-tune\", \"algorithm\": \"linear\", \"dataset\": \"" + datasetId
        + "\", \"validation\": {\"fraction\": 0.2}, \"params\": {\"epochs\": 1},"
        + " \"resources\": {\"workers\": 1, \"servers\": 1}}");
    Path study = tmp.resolve("study.json");
    Files.writeString(study, "{\"space\": {\"params.learningRate\": {\"type\": \"float\", \"min\": 0.01,"
        + " \"max\": 1, \"scale\": \"log\"}}, \"objective\": {\"metric\": \"val_auc\"},"
        + " \"budget\": {\"trials\": 2, \"maxParallel\": 2}}");

    Run watched = cli("studies", "submit", study.toString(), "--spec", spec.toString(), "--watch");
    assertEquals(0, watched.exit(), watched.err());
    String id = watched.err().lines().filter(l -> l.startsWith("submitted ")).findFirst().orElseThrow().substring(10);
    assertTrue(watched.out().contains(id + "  SUCCEEDED  best job_") && watched.out().contains("model mdl_"),
        watched.out());
    Run shown = cli("--output", "json", "studies", "show", id);
    assertEquals(0, shown.exit(), shown.err());
    JsonNode s = json(shown.out());
    assertEquals(2, s.get("trials").size());
    assertEquals("maximize", s.get("direction").asText());
    assertTrue(cli("studies", "ls").out().contains(id));
    Run again = cli("studies", "cancel", id);
    assertEquals(1, again.exit());
    assertOneErrorLine(again);
    assertTrue(again.err().contains("study_finished"), again.err());
  }

  @Test
  void errorsAreOneLineWithDistinctExitStatuses() throws IOException {
    Run missing = cli("datasets", "show", "ds_does_not_exist");
    assertEquals(1, missing.exit());
    assertOneErrorLine(missing);
    assertTrue(missing.err().contains("HTTP 404"), missing.err());

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console = new Console(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true),
        false, System::nanoTime, Thread::sleep);
    int exit = Main.run(new String[] {"jobs", "ls"}, Map.of("TRAINYARD_URL", base.toString(),
        "TRAINYARD_TOKEN", "not-a-token", "TRAINYARD_HOME", tmp.toString()), console);
    assertEquals(1, exit);
    assertTrue(err.toString().contains("HTTP 401"), err.toString());

    Path data = libsvm("tiny.libsvm", 200, 7);
    Run up = cli("datasets", "upload", data.toString());
    assertEquals(0, up.exit(), up.err());
    String datasetId = up.out().split("\\s+")[0];
    Run badSpec = cli("jobs", "submit", "--algorithm", "fm", "--dataset", datasetId, "--set", "dim=0");
    assertEquals(1, badSpec.exit());
    assertOneErrorLine(badSpec);
    assertTrue(badSpec.err().contains("params.dim"), badSpec.err());
  }
}
