package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import trainyard.api.dataset.DatasetRow;
import trainyard.api.dataset.IngestPermits;
import trainyard.api.dataset.Ingestor;
import trainyard.api.demo.DemoData;
import trainyard.api.platform.Ids;

/**
 * A streamed upload is ingested while its body arrives: the dataset is visible INGESTING
 * meanwhile; a body that breaks off (too large, or the client hangs up) leaves no dataset and no
 * files; a tenant's uploads beyond its ingestion permits wait their turn, without a thread, and
 * are refused (429) past the wait, while other tenants' go on; a row a stopped server left
 * INGESTING is failed with a reason that says what to do.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class StreamedUploadTest {
  private static final byte[] DATA = DemoData.libsvm(3000, 50, 5, 17);

  @TestHTTPResource("/")
  URL base;

  @Inject IngestPermits permits;
  @Inject Ingestor ingestor;

  @Test
  void aGetWhileTheBodyStreamsShowsTheDatasetIngesting() throws Exception {
    String token = Api.newTenant("slow");
    try (RawUpload up = new RawUpload(uri(), token, "name=slow&format=libsvm")) {
      up.send(Arrays.copyOf(DATA, 1000));
      String id = awaitOnlyDataset(token, "INGESTING");
      assertEquals(0, Api.as(token).get("/api/v1/datasets/" + id).then().extract().jsonPath().getLong("uploadBytes"));
      up.send(Arrays.copyOfRange(DATA, 1000, DATA.length));
      up.finish();
      RawUpload.Answer answer = up.answer();
      assertEquals(201, answer.status(), answer.body());
      JsonPath ds = new JsonPath(answer.body());
      assertEquals(id, ds.getString("id"));
      assertEquals("READY", ds.getString("status"));
      assertEquals(3000, ds.getLong("stats.rows"));
      assertEquals(DATA.length, ds.getLong("uploadBytes"));
      assertFalse(ds.getBoolean("gzip"));
    }
  }

  @Test
  void aClientThatHangsUpMidBodyLeavesNothing() throws Exception {
    String token = Api.newTenant("hangup");
    List<Path> before = files();
    String id;
    try (RawUpload up = new RawUpload(uri(), token, "name=cut&format=libsvm")) {
      up.send(Arrays.copyOf(DATA, 2000));
      id = awaitOnlyDataset(token, "INGESTING");
      up.sendPartOfChunk(Arrays.copyOfRange(DATA, 2000, 3000), 5000);
    }
    awaitTrue(() -> Api.as(token).get("/api/v1/datasets/" + id).statusCode() == 404, "the dataset is deleted");
    Api.as(token).get("/api/v1/datasets").then().body("items.size()", equalTo(0));
    assertNoneOf(id, before);
  }

  @Test
  void aBodyThatPassesTheLimitMidStreamIsRefusedAndLeavesNothing() throws Exception {
    String token = Api.newTenant("huge");
    List<Path> before = files();
    try (RawUpload up = new RawUpload(uri(), token, "name=huge&format=libsvm")) {
      // no Content-Length: only counting the bytes as they come can tell
      long sent = 0;
      while (sent <= TestStores.MAX_UPLOAD) {
        int n = (int) Math.min(DATA.length, TestStores.MAX_UPLOAD + 1 - sent);
        up.send(Arrays.copyOf(DATA, n));
        sent += n;
      }
      RawUpload.Answer answer = up.answer();
      assertEquals(413, answer.status(), answer.body());
      assertEquals("application/problem+json", answer.contentType());
      assertEquals("upload_too_large", new JsonPath(answer.body()).getString("code"));
    }
    Api.as(token).get("/api/v1/datasets").then().body("items.size()", equalTo(0));
    assertEquals(before, files(), "no files are left under datasets/ and uploads/");
  }

  @Test
  void anUploadBeyondThePermitsWaitsItsTurn() throws Exception {
    String token = Api.newTenant("turns");
    try (RawUpload first = new RawUpload(uri(), token, "name=first&format=libsvm")) {
      first.send(Arrays.copyOf(DATA, 1000));
      String firstId = awaitOnlyDataset(token, "INGESTING");
      CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> Api.as(token)
          .body(DATA).contentType("application/octet-stream").post("/api/v1/datasets?name=second&format=libsvm")
          .statusCode());
      awaitTrue(() -> permits.waiting() == 1, "the second upload waits for a permit");
      assertFalse(second.isDone(), "the second upload is not answered while it waits");
      Api.as(token).get("/api/v1/datasets").then().body("items.size()", equalTo(1), "items[0].id", equalTo(firstId));
      first.send(Arrays.copyOfRange(DATA, 1000, DATA.length));
      first.finish();
      assertEquals(201, first.answer().status());
      assertEquals(201, second.get().intValue());
    }
    Api.as(token).get("/api/v1/datasets").then().body("items.size()", equalTo(2), "items.status",
        equalTo(List.of("READY", "READY")));
  }

  @Test
  void anotherTenantsUploadDoesNotWaitForASlowOne() throws Exception {
    String slow = Api.newTenant("slow-tenant");
    String other = Api.newTenant("other-tenant");
    try (RawUpload first = new RawUpload(uri(), slow, "name=slow&format=libsvm")) {
      first.send(Arrays.copyOf(DATA, 1000));
      awaitOnlyDataset(slow, "INGESTING");
      CompletableFuture<Integer> meanwhile = CompletableFuture.supplyAsync(() -> Api.as(other)
          .body(DATA).contentType("application/octet-stream").post("/api/v1/datasets?name=other&format=libsvm")
          .statusCode());
      assertEquals(201, meanwhile.get(Api.DEADLINE.toSeconds(), TimeUnit.SECONDS).intValue(),
          "answered while the slow upload still holds its tenant's permit");
      first.send(Arrays.copyOfRange(DATA, 1000, DATA.length));
      first.finish();
      assertEquals(201, first.answer().status());
    }
  }

  @Test
  void anUploadThatWaitsPastTheIngestWaitIsRefusedWith429AndHoldsNoThreadMeanwhile() throws Exception {
    String token = Api.newTenant("busy");
    try (RawUpload first = new RawUpload(uri(), token, "name=first&format=libsvm")) {
      first.send(Arrays.copyOf(DATA, 1000));
      String firstId = awaitOnlyDataset(token, "INGESTING");
      long t0 = System.nanoTime();
      CompletableFuture<Response> second = CompletableFuture.supplyAsync(() -> Api.as(token)
          .body(DATA).contentType("application/octet-stream").post("/api/v1/datasets?name=second&format=libsvm"));
      awaitTrue(() -> permits.waiting() == 1, "the second upload waits for a permit");
      awaitTrue(() -> threadsInside("trainyard.api.dataset.IngestPermits", "trainyard.api.dataset.DatasetResource")
          .isEmpty(), "no thread is held by the waiting upload");
      Response refused = second.get(Api.DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertTrue(System.nanoTime() - t0 >= Duration.parse("PT" + TestStores.INGEST_WAIT).toNanos(),
          "refused only once it has waited trainyard.upload.ingest-wait");
      assertEquals(429, refused.statusCode(), refused.asString());
      assertEquals("application/problem+json", refused.contentType());
      assertEquals("ingest_busy", refused.jsonPath().getString("code"));
      assertEquals(String.valueOf(Duration.parse("PT" + TestStores.INGEST_WAIT).toSeconds()),
          refused.header("Retry-After"));
      assertEquals(0, permits.waiting());
      Api.as(token).get("/api/v1/datasets").then().body("items.size()", equalTo(1), "items[0].id", equalTo(firstId));
      first.send(Arrays.copyOfRange(DATA, 1000, DATA.length));
      first.finish();
      assertEquals(201, first.answer().status());
    }
  }

  /** The threads whose stacks hold a frame of one of {@code classes}, with the frame. */
  private static List<String> threadsInside(String... classes) {
    List<String> inside = new ArrayList<>();
    for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
      for (StackTraceElement frame : t.getValue()) {
        if (List.of(classes).contains(frame.getClassName())) {
          inside.add(t.getKey().getName() + " at " + frame);
          break;
        }
      }
    }
    return inside;
  }

  @Test
  void aStreamedUploadCutOffByAStopIsFailedOnTheNextStart() {
    String token = Api.newTenant("stopped");
    String tenant = Api.as(token).get("/api/v1/whoami").then().statusCode(200).extract().path("tenantId");
    String id = Ids.newId("ds", System.currentTimeMillis());
    // What a server that stopped mid-upload leaves: the row INGESTING, no bytes counted, no file.
    QuarkusTransaction.requiringNew().run(() -> {
      DatasetRow r = new DatasetRow();
      r.id = id;
      r.tenantId = tenant;
      r.name = "cut-by-stop";
      r.format = "libsvm";
      r.hashBits = 0;
      r.status = "INGESTING";
      r.createdAt = Instant.now();
      r.updatedAt = r.createdAt;
      r.persist();
    });
    ingestor.resumeUnfinished();
    JsonPath ds = Api.waitForStatus(token, "/api/v1/datasets/" + id, "FAILED");
    assertEquals("the server stopped while the file was uploading; upload it again", ds.getString("error"));
  }

  private URI uri() {
    return URI.create(base.toString());
  }

  /** Waits until the tenant has exactly one dataset, in {@code status}; returns its id. */
  private static String awaitOnlyDataset(String token, String status) {
    String[] id = new String[1];
    awaitTrue(() -> {
      JsonPath list = Api.as(token).get("/api/v1/datasets").then().statusCode(200).extract().jsonPath();
      if (list.getList("items").size() == 1 && status.equals(list.getString("items[0].status"))) {
        id[0] = list.getString("items[0].id");
        return true;
      }
      return false;
    }, "one dataset " + status);
    return id[0];
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    Api.waitFor(condition, () -> "not within " + Api.DEADLINE.toSeconds() + " s: " + what);
  }

  /** Everything under the blob store's datasets/ and uploads/. */
  private static List<Path> files() throws IOException {
    Path data = DatasetApiTest.dataDir();
    try (Stream<Path> a = Files.list(data.resolve("datasets")); Stream<Path> b = Files.list(data.resolve("uploads"))) {
      return Stream.concat(a, b).sorted().toList();
    }
  }

  /** Nothing of dataset {@code id} under datasets/ or uploads/, and nothing new at all. */
  private static void assertNoneOf(String id, List<Path> before) throws IOException {
    List<Path> now = files();
    for (Path p : now) {
      assertFalse(p.getFileName().toString().contains(id), "left behind: " + p);
    }
    assertTrue(before.containsAll(now), "new files: " + now);
  }
}
