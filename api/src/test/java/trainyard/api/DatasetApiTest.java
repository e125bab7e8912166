package trainyard.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(TestStores.class)
class DatasetApiTest {
  private static final String GOOD = "1 1:1 3:0.5\n0 2:1\n1 1:1 4:2\n0 3:1 5:1\n";

  @Test
  void anUploadIsIngestedAndDescribed() {
    String token = Api.newTenant("ds");
    // The answer comes once the body is ingested: the dataset is READY, with its statistics.
    JsonPath answered = Api.as(token).body(GOOD.getBytes(StandardCharsets.US_ASCII)).contentType("application/octet-stream")
        .post("/api/v1/datasets?name=good&format=libsvm").then().statusCode(201)
        .header("Location", containsString("/api/v1/datasets/ds_"))
        .body("status", equalTo("READY"), "stats.rows", equalTo(4)).extract().jsonPath();
    String id = answered.getString("id");
    JsonPath ds = Api.as(token).get("/api/v1/datasets/" + id).then().statusCode(200).extract().jsonPath();
    assertEquals("READY", ds.getString("status"));
    assertEquals("good", ds.getString("name"));
    assertEquals("libsvm", ds.getString("format"));
    assertEquals(4, ds.getLong("stats.rows"));
    assertEquals(5, ds.getLong("stats.features"));
    assertEquals(7, ds.getLong("stats.nonZeros"));
    assertEquals(2, ds.getLong("stats.positives"));
    assertEquals(2, ds.getLong("stats.negatives"));
    assertEquals(1, ds.getInt("stats.shards"));
    assertEquals(GOOD.length(), ds.getLong("uploadBytes"));
    assertFalse(Files.exists(dataDir().resolve("uploads").resolve(id + ".part")), "the raw upload is removed");
    Api.as(token).get("/api/v1/datasets/" + id).then().body("readyAt", org.hamcrest.Matchers.notNullValue());
  }

  @Test
  void gzipIsAccepted() throws IOException {
    String token = Api.newTenant("gz");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(GOOD.getBytes(StandardCharsets.US_ASCII));
    }
    JsonPath ds = Api.as(token).body(bytes.toByteArray()).contentType("application/octet-stream")
        .post("/api/v1/datasets?name=zipped&format=libsvm").then().statusCode(201).extract().jsonPath();
    assertEquals("READY", ds.getString("status"));
    assertEquals(4, ds.getLong("stats.rows"));
    assertEquals(true, ds.getBoolean("gzip"));
    assertEquals(bytes.size(), ds.getLong("uploadBytes"));
    Api.as(token).get("/api/v1/datasets/" + ds.getString("id")).then().body("gzip", equalTo(true));
  }

  @Test
  void aCutOffGzipFailsAsBadData() throws IOException {
    String token = Api.newTenant("gzcut");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(trainyard.api.demo.DemoData.libsvm(2000, 50, 5, 5));
    }
    byte[] cut = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2);
    String id = Api.as(token).body(cut).contentType("application/octet-stream")
        .post("/api/v1/datasets?name=cut&format=libsvm").then().statusCode(422)
        .body("code", equalTo("ingest_failed"), "detail", containsString("gzip")).extract().path("datasetId");
    Api.as(token).get("/api/v1/datasets/" + id).then().statusCode(200)
        .body("status", equalTo("FAILED"), "gzip", equalTo(true), "error", containsString("gzip"));
    assertFalse(Files.exists(dataDir().resolve("datasets").resolve(id)), "nothing half-ingested is left");
  }

  @Test
  void aMalformedFileFailsWithItsBadLines() {
    String token = Api.newTenant("bad");
    JsonPath problem = Api.as(token).body("1 1:1\n0 2:abc\n1 3:1\nnot-a-label 1:1\n".getBytes(StandardCharsets.US_ASCII))
        .contentType("application/octet-stream").post("/api/v1/datasets?name=broken&format=libsvm")
        .then().statusCode(422).contentType("application/problem+json")
        .body("code", equalTo("ingest_failed"), "status", equalTo(422), "detail", containsString("line 2"))
        .extract().jsonPath();
    String id = problem.getString("datasetId");
    assertEquals(2, problem.getLong("badLines[0].line"));
    assertEquals(4, problem.getLong("badLines[1].line"));
    JsonPath ds = Api.as(token).get("/api/v1/datasets/" + id).then().statusCode(200).extract().jsonPath();
    assertEquals("FAILED", ds.getString("status"));
    assertEquals(2, ds.getLong("badLines[0].line"));
    assertEquals(4, ds.getLong("badLines[1].line"));
    org.hamcrest.MatcherAssert.assertThat(ds.getString("error"), containsString("line 2"));
    org.junit.jupiter.api.Assertions.assertNull(ds.get("stats"));
    assertFalse(Files.exists(dataDir().resolve("datasets").resolve(id)), "nothing half-ingested is left");
  }

  @Test
  void aBinaryFileFailsWithPrintableBadLines() {
    String token = Api.newTenant("binary");
    // NUL and other control bytes: PostgreSQL refuses NUL in text, which once made this a 500
    byte[] elf = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, '\n', 0, 0, 0, 1, ' ', '1', ':', '1', '\n'};
    JsonPath problem = Api.as(token).body(elf).contentType("application/octet-stream")
        .post("/api/v1/datasets?name=binary&format=libsvm").then().statusCode(422)
        .body("code", equalTo("ingest_failed")).extract().jsonPath();
    String text = problem.getString("badLines[0].text") + problem.getString("badLines[0].reason");
    org.hamcrest.MatcherAssert.assertThat(text, containsString("\uFFFDELF"));
    assertFalse(text.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7F), text);
    JsonPath ds = Api.as(token).get("/api/v1/datasets/" + problem.getString("datasetId")).then().statusCode(200)
        .extract().jsonPath();
    assertEquals("FAILED", ds.getString("status"));
    assertEquals(2, ds.getList("badLines").size());
  }

  @Test
  void badUploadRequestsAreRefused() {
    String token = Api.newTenant("req");
    Api.as(token).body(GOOD).post("/api/v1/datasets?name=x&format=parquet").then().statusCode(400)
        .contentType("application/problem+json").body("code", equalTo("unknown_format"));
    Api.as(token).body(GOOD).post("/api/v1/datasets?format=libsvm").then().statusCode(400)
        .body("code", equalTo("invalid_name"));
    Api.as(token).body(new byte[0]).post("/api/v1/datasets?name=empty").then().statusCode(400)
        .body("code", equalTo("empty_upload"));
    Api.as(token).contentType("application/octet-stream").body("\n\n".getBytes(StandardCharsets.US_ASCII)).post("/api/v1/datasets?name=blank")
        .then().statusCode(422).body("code", equalTo("ingest_failed"), "detail", containsString("no rows"));
    Api.as(token).body(GOOD).post("/api/v1/datasets?name=x&hashBits=41").then().statusCode(400)
        .body("code", equalTo("invalid_hash_bits"));
    Api.as(token).get("/api/v1/datasets/ds_nope").then().statusCode(404).body("code", equalTo("dataset_not_found"));
    Api.as(token).get("/api/v1/datasets?limit=0").then().statusCode(400).body("code", equalTo("invalid_limit"));
    Api.as(token).get("/api/v1/datasets?cursor=zzz").then().statusCode(400).body("code", equalTo("invalid_cursor"));
    // a number that is not one is a bad request, not a missing resource (JAX-RS would answer 404)
    Api.as(token).body(GOOD).post("/api/v1/datasets?name=x&hashBits=abc").then().statusCode(400)
        .body("code", equalTo("invalid_hash_bits"), "detail", equalTo("hashBits must be an integer, got \"abc\""));
    for (String list : new String[] {"datasets", "jobs", "models"}) {
      Api.as(token).get("/api/v1/" + list + "?limit=ten").then().statusCode(400).body("code", equalTo("invalid_limit"));
    }
    Api.as(token).get("/api/v1/jobs/job_nope/events?after=x").then().statusCode(400).body("code", equalTo("invalid_after"));
  }

  @Test
  void anUploadPastTheLimitIsRefusedAndLeavesNothing() throws IOException {
    String token = Api.newTenant("big");
    java.util.Set<Path> before = uploads();
    byte[] big = new byte[(int) TestStores.MAX_UPLOAD + 1];
    java.util.Arrays.fill(big, (byte) '1');
    Api.as(token).body(big).post("/api/v1/datasets?name=big").then().statusCode(413)
        .contentType("application/problem+json").body("code", equalTo("upload_too_large"));
    Api.as(token).get("/api/v1/datasets").then().body("items", hasSize(0));
    java.util.Set<Path> left = uploads();
    left.removeAll(before);
    org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of(), left, "no partial upload is kept");
  }

  private static java.util.Set<Path> uploads() throws IOException {
    try (var files = Files.list(dataDir().resolve("uploads"))) {
      return files.collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }
  }

  @Test
  void listsArePagedNewestFirst() {
    String token = Api.newTenant("pages");
    String a = Api.upload(token, "a", GOOD);
    String b = Api.upload(token, "b", GOOD);
    String c = Api.upload(token, "c", GOOD);
    JsonPath first = Api.as(token).get("/api/v1/datasets?limit=2").then().statusCode(200)
        .body("items", hasSize(2)).extract().jsonPath();
    assertEquals(c, first.getString("items[0].id"));
    assertEquals(b, first.getString("items[1].id"));
    String cursor = first.getString("nextCursor");
    Api.as(token).get("/api/v1/datasets?limit=2&cursor=" + cursor).then().statusCode(200)
        .body("items", hasSize(1), "items[0].id", equalTo(a), "nextCursor", nullValue());
  }

  @Test
  void aDatasetCanBeDeletedUnlessAJobUsesIt() {
    String token = Api.newTenant("del");
    String unused = Api.readyDataset(token, "unused", GOOD);
    Api.as(token).delete("/api/v1/datasets/" + unused).then().statusCode(204);
    Api.as(token).get("/api/v1/datasets/" + unused).then().statusCode(404);
    assertFalse(Files.exists(dataDir().resolve("datasets").resolve(unused)));

    String used = Api.readyDataset(token, "used", GOOD);
    String job = Api.as(token).contentType("application/json")
        .body(Api.spec(used, "\"resources\": {\"gpus\": 64}")).post("/api/v1/jobs")
        .then().statusCode(201).extract().path("id");
    assertNotEquals(null, job);
    Api.as(token).delete("/api/v1/datasets/" + used).then().statusCode(409).body("code", equalTo("dataset_in_use"));
    Api.as(token).post("/api/v1/jobs/" + job + "/cancel").then().statusCode(202);
  }

  static Path dataDir() {
    return Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig()
        .getValue("trainyard.data-dir", String.class));
  }
}
