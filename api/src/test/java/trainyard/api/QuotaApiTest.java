package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(TestStores.class)
class QuotaApiTest {
  private static final String DATA = "1 1:1 2:1\n0 3:1\n1 1:1\n0 2:1 3:1\n";

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
}
