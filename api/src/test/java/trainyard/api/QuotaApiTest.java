package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.job.JobRow;

@QuarkusTest
@WithTestResource(TestStores.class)
class QuotaApiTest {
  private static final String DATA = "1 1:1 2:1\n0 3:1\n1 1:1\n0 2:1 3:1\n";

  @TestHTTPResource("/")
  URL base;

  private String tenant;
  private String token;

  @BeforeEach
  void newTenant() {
    tenant = "quota-" + UUID.randomUUID().toString().substring(0, 8);
    token = Api.as(TestStores.ADMIN_TOKEN).contentType("application/json").body("{\"tenant\": \"" + tenant + "\"}")
        .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
  }

  private Response setQuota(String as, String body) {
    return Api.as(as).contentType("application/json").body(body).put("/api/v1/tenants/" + tenant + "/quota");
  }

  private Response submit(String dataset, String extra) {
    return Api.as(token).contentType("application/json").body(Api.spec(dataset, extra)).post("/api/v1/jobs");
  }

  private Response createUpload(long size) {
    return Api.as(token).contentType("application/json")
        .body("{\"name\": \"u\", \"format\": \"libsvm\", \"size\": " + size + "}").post("/api/v1/uploads");
  }

  @Test
  void adminsSetQuotasTenantsReadTheirOwnAndNobodyElses() {
    Api.as(token).get("/api/v1/tenants/" + tenant + "/quota").then().statusCode(200)
        .body("tenant", equalTo(tenant), "concurrentJobs", nullValue(), "used.concurrentJobs", equalTo(0));
    setQuota(token, "{\"concurrentJobs\": 1}").then().statusCode(403).body("code", equalTo("admin_required"));
    setQuota(TestStores.ADMIN_TOKEN, "{\"concurrentJobs\": -1}").then().statusCode(400)
        .contentType("application/problem+json").body("code", equalTo("invalid_quota"), "field", equalTo("concurrentJobs"));
    setQuota(TestStores.ADMIN_TOKEN, "{\"concurrentJobs\": 2, \"gpus\": 4, \"bogus\": 1}").then().statusCode(400)
        .body("code", equalTo("unknown_field"));
    setQuota(TestStores.ADMIN_TOKEN, "{\"concurrentJobs\": 2, \"gpus\": 4}").then().statusCode(200)
        .body("concurrentJobs", equalTo(2), "gpus", equalTo(4), "storageBytes", nullValue());
    Api.as(token).get("/api/v1/tenants/" + tenant + "/quota").then().statusCode(200).body("concurrentJobs", equalTo(2));

    String other = Api.newTenant("quota-other");
    Api.as(other).get("/api/v1/tenants/" + tenant + "/quota").then().statusCode(404)
        .body("code", equalTo("tenant_not_found"));
    Api.as(TestStores.ADMIN_TOKEN).contentType("application/json").body("{}").put("/api/v1/tenants/nobody-here/quota")
        .then().statusCode(404).body("code", equalTo("tenant_not_found"));
  }

  @Test
  void jobsPastTheConcurrentJobsOrGpuQuotaAreRefusedNamingIt() {
    String dataset = Api.upload(token, "train", DATA);
    setQuota(TestStores.ADMIN_TOKEN, "{\"concurrentJobs\": 1, \"gpus\": 64}").then().statusCode(200);
    String waiting = submit(dataset, JobApiTest.UNPLACEABLE).then().statusCode(201).extract().path("id");
    submit(dataset, "").then().statusCode(403).contentType("application/problem+json")
        .body("code", equalTo("quota_exceeded"), "quota", equalTo("concurrentJobs"), "limit", equalTo(1), "used", equalTo(1));
    Api.as(token).get("/api/v1/tenants/" + tenant + "/quota").then().statusCode(200)
        .body("used.concurrentJobs", equalTo(1), "used.gpus", equalTo(64));

    setQuota(TestStores.ADMIN_TOKEN, "{\"concurrentJobs\": 5, \"gpus\": 64}").then().statusCode(200);
    submit(dataset, "\"resources\": {\"workers\": 1, \"servers\": 1, \"gpus\": 1}").then().statusCode(403)
        .body("code", equalTo("quota_exceeded"), "quota", equalTo("gpus"), "used", equalTo(64));

    Api.as(token).post("/api/v1/jobs/" + waiting + "/cancel").then().statusCode(202);
    setQuota(TestStores.ADMIN_TOKEN, "{\"concurrentJobs\": 1}").then().statusCode(200);
    submit(dataset, JobApiTest.UNPLACEABLE).then().statusCode(201);
  }

  @Test
  void aJobsGpusAreKeptOnItsRowAndTheQuotaSumsThem() {
    String dataset = Api.upload(token, "train", DATA);
    String twoByTwo = submit(dataset, "\"resources\": {\"executors\": 2, \"workers\": 2, \"servers\": 2, \"gpus\": 32}")
        .then().statusCode(201).extract().path("id");
    String cpu = submit(dataset, "").then().statusCode(201).extract().path("id");
    assertEquals(64, QuarkusTransaction.requiringNew().call(() -> JobRow.<JobRow>findById(twoByTwo).gpus));
    assertEquals(0, QuarkusTransaction.requiringNew().call(() -> JobRow.<JobRow>findById(cpu).gpus));
    Api.as(token).get("/api/v1/tenants/" + tenant + "/quota").then().statusCode(200).body("used.gpus", equalTo(64));
    Api.as(token).post("/api/v1/jobs/" + twoByTwo + "/cancel").then().statusCode(202);
    Api.as(token).get("/api/v1/tenants/" + tenant + "/quota").then().statusCode(200).body("used.gpus", equalTo(0));
  }

  @Test
  void uploadsPastTheOpenUploadsOrStorageQuotaAreRefusedNamingIt() {
    setQuota(TestStores.ADMIN_TOKEN, "{\"openUploads\": 1, \"storageBytes\": 1000}").then().statusCode(200);
    createUpload(600).then().statusCode(201);
    createUpload(10).then().statusCode(403).body("code", equalTo("quota_exceeded"), "quota", equalTo("openUploads"));

    setQuota(TestStores.ADMIN_TOKEN, "{\"openUploads\": 5, \"storageBytes\": 1000}").then().statusCode(200);
    createUpload(500).then().statusCode(403)
        .body("code", equalTo("quota_exceeded"), "quota", equalTo("storageBytes"), "used", equalTo(600));
    byte[] big = new byte[500];
    java.util.Arrays.fill(big, (byte) '\n');
    Api.as(token).body(big).contentType("application/octet-stream").post("/api/v1/datasets?name=big&format=libsvm")
        .then().statusCode(403).body("code", equalTo("quota_exceeded"), "quota", equalTo("storageBytes"));
    Api.as(token).body(DATA.getBytes(StandardCharsets.US_ASCII)).contentType("application/octet-stream")
        .post("/api/v1/datasets?name=small&format=libsvm").then().statusCode(201);
  }

  @Test
  void aStreamedUploadWithoutLengthIsStoppedWhereItCrossesTheStorageQuota() throws Exception {
    setQuota(TestStores.ADMIN_TOKEN, "{\"storageBytes\": 1000}").then().statusCode(200);
    List<Path> before = files();
    byte[] lines = DATA.repeat(10).getBytes(StandardCharsets.US_ASCII);
    try (RawUpload up = new RawUpload(URI.create(base.toString()), token, "name=past&format=libsvm")) {
      // no Content-Length: 1,500 bytes of good lines, sent past a quota of 1,000
      for (int sent = 0; sent < 1500; sent += lines.length) {
        up.send(lines);
      }
      up.finish();
      RawUpload.Answer answer = up.answer();
      assertEquals(403, answer.status(), answer.body());
      JsonPath problem = new JsonPath(answer.body());
      assertEquals("quota_exceeded", problem.getString("code"));
      assertEquals("storageBytes", problem.getString("quota"));
      assertEquals(0, problem.getLong("used"));
    }
    Api.as(token).get("/api/v1/datasets").then().statusCode(200).body("items.size()", equalTo(0));
    Api.as(token).get("/api/v1/tenants/" + tenant + "/quota").then().body("used.storageBytes", equalTo(0));
    assertEquals(before, files(), "no files are left under datasets/ and uploads/");
    Api.as(token).body(DATA.getBytes(StandardCharsets.US_ASCII)).contentType("application/octet-stream")
        .post("/api/v1/datasets?name=small&format=libsvm").then().statusCode(201);
  }

  private static List<Path> files() throws IOException {
    Path data = DatasetApiTest.dataDir();
    try (Stream<Path> a = Files.list(data.resolve("datasets")); Stream<Path> b = Files.list(data.resolve("uploads"))) {
      return Stream.concat(a, b).sorted().toList();
    }
  }
}
