package trainyard.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.Bus;
import trainyard.bus.BusProducer;
import trainyard.bus.JobEvent;
import trainyard.bus.Member;

/**
 * What one request or tenant may hold of the api (trainyard.limits.*, at their defaults): request
 * bodies, predictions, models registered without their weights, live event streams.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class LimitsTest {
  @TestHTTPResource("/")
  URI server;

  @Inject Bus bus;
  @Inject BlobStore blobs;

  /**
   * HTTP/1.1, one connection per stream, as browsers follow event streams; every request has a
   * timeout, so a stream admitted where a refusal was due fails the test instead of holding it.
   */
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private String token;
  private String dataset;

  @BeforeEach
  void tenantWithData() {
    token = Api.newTenant("limits");
    dataset = Api.readyDataset(token, "d", "1 1:1 2:1\n0 3:1\n1 1:1\n0 2:1 3:1\n");
  }

  /** Past 1 MiB a job spec (or any body but an upload's) is refused, with or without Content-Length. */
  @Test
  void aBodyPastTheLimitIsRefusedWith413() throws Exception {
    byte[] big = (Api.spec(dataset, "\"name\": \"" + "x".repeat(2 << 20) + "\"")).getBytes(StandardCharsets.US_ASCII);
    Api.as(token).contentType("application/json").body(big).post("/api/v1/jobs").then().statusCode(413)
        .contentType("application/problem+json").body("code", equalTo("body_too_large"),
            "detail", containsString("1048576 bytes"));
    HttpResponse<String> chunked = http.send(request("/api/v1/jobs")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(413, chunked.statusCode(), chunked.body());
    assertTrue(chunked.body().contains("\"code\":\"body_too_large\""), chunked.body());
    byte[] bigTenant = ("{\"tenant\": \"" + "t".repeat(2 << 20) + "\"}").getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> chunkedJson = http.send(HttpRequest.newBuilder(server.resolve("/api/v1/tokens"))
        .header("Authorization", "Bearer " + TestStores.ADMIN_TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bigTenant))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(413, chunkedJson.statusCode(), "a body read into a record stops at the limit too: " + chunkedJson.body());
    Api.as(token).body(big).post("/api/v1/uploads/upl_none/complete").then().statusCode(413)
        .body("code", equalTo("body_too_large"));
    Api.as(token).contentType("application/json").body(Api.spec(dataset, "")).post("/api/v1/jobs").then()
        .statusCode(201);
  }

  /** Predict answers at most 1,048,576 predictions (rows × outputs, counted in a long) and reads at most 16 MiB. */
  @Test
  void predictIsBoundedInPredictionsAndBytes() {
    String job = Api.as(token).contentType("application/json").body(Api.spec(dataset, "\"params\": {\"epochs\": 1}"))
        .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    String model = Api.waitForStatus(token, "/api/v1/jobs/" + job, "SUCCEEDED").getString("modelId");
    String path = "/api/v1/models/" + model + "/predict";
    Api.as(token).contentType("text/plain").body("1:1\n2:1\n").post(path).then().statusCode(200)
        .body("predictions", hasSize(2));
    Api.as(token).contentType("text/plain").body("1:1\n".repeat((1 << 20) + 1)).post(path).then().statusCode(413)
        .contentType("application/problem+json").body("code", equalTo("predict_too_large"),
            "detail", containsString("1048577 rows × 1 outputs"));
    Api.as(token).contentType("text/plain").body(new byte[(16 << 20) + 1]).post(path).then().statusCode(413)
        .body("code", equalTo("predict_too_large"), "detail", containsString("16777216 bytes"));
  }

  /**
   * The api registers a model from its file's header: a file whose weights are cut off (they would
   * be read whole into the api's heap before) is registered with its header's facts.
   */
  @Test
  void aModelIsRegisteredFromItsHeaderAlone() throws IOException {
    String job = Api.waitingJob(token, dataset);
    Path file = Files.createDirectories(blobs.models(job)).resolve("model.bin");
    Files.write(file, header("linear", 123_456_789L, 18));
    try (BusProducer producer = new BusProducer(bus.bootstrapServers(), "limits-test")) {
      Api.sendAndAwait(producer, token, job, JobEvent.assigned(job, 1, List.of(new Member(0, "ex-l", "h", 7001, 0, 1, 0, 1)), 1_000));
      Api.sendAndAwait(producer, token, job, JobEvent.model(job, 1, file.toString(), null, "ex-l", 2_000));
    }
    String model = Api.as(token).get("/api/v1/jobs/" + job).then().statusCode(200).extract().path("modelId");
    Api.as(token).get("/api/v1/models/" + model).then().statusCode(200)
        .body("algorithm", equalTo("linear"), "keys", equalTo(123_456_789), "hashBits", equalTo(18));
  }

  /** A model file's header (docs/MODEL-FORMAT.md) and nothing after it. */
  private static byte[] header(String algorithm, long keys, int hashBits) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write("TYMODEL\n".getBytes(StandardCharsets.US_ASCII));
      out.writeInt(1);
      for (Object field : new Object[] {algorithm, keys, hashBits, "{}", "checksum", 7L, "test"}) {
        if (field instanceof String s) {
          byte[] b = s.getBytes(StandardCharsets.UTF_8);
          out.writeInt(b.length);
          out.write(b);
        } else if (field instanceof Long l) {
          out.writeLong(l);
        } else {
          out.writeInt((Integer) field);
        }
      }
    }
    return bytes.toByteArray();
  }

  /** A tenant follows at most 16 live streams; the 17th is told to come back later, others are not held up. */
  @Test
  void liveEventStreamsAreBoundedPerTenant() throws Exception {
    String job = Api.waitingJob(token, dataset);
    List<HttpResponse<InputStream>> open = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      HttpResponse<InputStream> r = http.send(stream(token, job), HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode());
      open.add(r);
    }
    HttpResponse<InputStream> refused = http.send(stream(token, job), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(429, refused.statusCode(), "the 17th stream");
    String body = new String(refused.body().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(body.contains("\"code\":\"too_many_streams\""), body);
    assertEquals("30", refused.headers().firstValue("Retry-After").orElse(null));

    String other = Api.newTenant("limits-other");
    String otherJob = Api.as(other).contentType("application/json")
        .body(Api.spec(Api.readyDataset(other, "d", "1 1:1\n0 2:1\n"), JobApiTest.UNPLACEABLE))
        .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    HttpResponse<InputStream> others = http.send(stream(other, otherJob), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, others.statusCode(), "another tenant's streams are its own");
    others.body().close();

    open.get(0).body().close();
    long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
    HttpResponse<InputStream> again;
    do {
      Api.pause();
      again = http.send(stream(token, job), HttpResponse.BodyHandlers.ofInputStream());
    } while (again.statusCode() == 429 && System.nanoTime() < deadline);
    assertEquals(200, again.statusCode(), "a closed stream frees its place");
    again.body().close();
    for (var r : open) {
      r.body().close();
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + token);
  }

  private HttpRequest stream(String as, String job) {
    return HttpRequest.newBuilder(server.resolve("/api/v1/jobs/" + job + "/events"))
        .header("Authorization", "Bearer " + as).header("Accept", "text/event-stream").timeout(Api.DEADLINE).GET().build();
  }
}
