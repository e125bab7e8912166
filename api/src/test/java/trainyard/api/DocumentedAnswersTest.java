package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every status code the document gives the key operations is reached by a test: {@link #REACHED}
 * names the test for each (operation, code), checked against the served document both ways, and
 * this class holds the tests no other class had. A code added to a key operation fails here until
 * a test reaches it.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class DocumentedAnswersTest {
  /**
   * "operationId code" to "Class#test". 503 and 507 come from ProblemMappers for every route (a
   * database that does not answer, a full disk): their tests reach them through it, not per route.
   */
  private static final Map<String, String> REACHED = new TreeMap<>(Map.ofEntries(
      Map.entry("submitJob 200", "JobApiTest#anIdempotencyKeyReturnsTheSameJob"),
      Map.entry("submitJob 201", "JobApiTest#anIdempotencyKeyReturnsTheSameJob"),
      Map.entry("submitJob 400", "JobApiTest#unknownSpecKeysAreRefusedWithTheirField"),
      Map.entry("submitJob 401", "DocumentedAnswersTest#theKeyOperationsNeedAToken"),
      Map.entry("submitJob 403", "QuotaApiTest#jobsPastTheConcurrentJobsOrGpuQuotaAreRefusedNamingIt"),
      Map.entry("submitJob 413", "LimitsTest#aBodyPastTheLimitIsRefusedWith413"),
      Map.entry("submitJob 404", "JobApiTest#aDatasetThatIsNotReadyIsRefused"),
      Map.entry("submitJob 409", "JobApiTest#aDatasetThatIsNotReadyIsRefused"),
      Map.entry("submitJob 422", "JobApiTest#anIdempotencyKeyReturnsTheSameJob"),
      Map.entry("submitJob 503", "problem.ProblemMappersTest#anUnreachableDatabaseIs503WithRetryAfter"),
      Map.entry("getJob 200", "JobApiTest#aJobShowsItsExecutorsAndMembersOnlyToItsTenant"),
      Map.entry("getJob 401", "DocumentedAnswersTest#theKeyOperationsNeedAToken"),
      Map.entry("getJob 404", "JobApiTest#aJobShowsItsExecutorsAndMembersOnlyToItsTenant"),
      Map.entry("getJob 503", "problem.ProblemMappersTest#anUnreachableDatabaseIs503WithRetryAfter"),
      Map.entry("createUpload 201", "UploadApiTest#chunksResumeAndTheFileBecomesADataset"),
      Map.entry("createUpload 400", "UploadApiTest#badRequestsAreRefused"),
      Map.entry("createUpload 401", "DocumentedAnswersTest#theKeyOperationsNeedAToken"),
      Map.entry("createUpload 403", "QuotaApiTest#uploadsPastTheOpenUploadsOrStorageQuotaAreRefusedNamingIt"),
      Map.entry("createUpload 413", "DocumentedAnswersTest#anUploadOrAChunkPastItsLimitIs413"),
      Map.entry("createUpload 503", "problem.ProblemMappersTest#anUnreachableDatabaseIs503WithRetryAfter"),
      Map.entry("createUpload 507", "problem.ProblemMappersTest#aNulAFullDiskAndTheRestEachHaveTheirAnswer"),
      Map.entry("putUploadChunk 200", "UploadApiTest#chunksResumeAndTheFileBecomesADataset"),
      Map.entry("putUploadChunk 400", "UploadApiTest#badRequestsAreRefused"),
      Map.entry("putUploadChunk 401", "DocumentedAnswersTest#theKeyOperationsNeedAToken"),
      Map.entry("putUploadChunk 404", "DocumentedAnswersTest#anUnknownUploadOrModelIs404"),
      Map.entry("putUploadChunk 409", "UploadApiTest#chunksResumeAndTheFileBecomesADataset"),
      Map.entry("putUploadChunk 410", "DeleteApiTest#anUploadThatGotNoChunkForTheExpiryTimeExpiresAndAnswers410"),
      Map.entry("putUploadChunk 413", "DocumentedAnswersTest#anUploadOrAChunkPastItsLimitIs413"),
      Map.entry("putUploadChunk 422", "UploadApiTest#aFileFoundBadWhileItArrivesEndsTheUploadAtOnce"),
      Map.entry("putUploadChunk 503", "problem.ProblemMappersTest#anUnreachableDatabaseIs503WithRetryAfter"),
      Map.entry("putUploadChunk 507", "problem.ProblemMappersTest#aNulAFullDiskAndTheRestEachHaveTheirAnswer"),
      Map.entry("completeUpload 202", "UploadApiTest#chunksResumeAndTheFileBecomesADataset"),
      Map.entry("completeUpload 400", "UploadApiTest#theChecksumMayComeWithTheCompletion"),
      Map.entry("completeUpload 401", "DocumentedAnswersTest#theKeyOperationsNeedAToken"),
      Map.entry("completeUpload 404", "DocumentedAnswersTest#anUnknownUploadOrModelIs404"),
      Map.entry("completeUpload 409", "UploadApiTest#chunksResumeAndTheFileBecomesADataset"),
      Map.entry("completeUpload 410", "DeleteApiTest#anUploadThatGotNoChunkForTheExpiryTimeExpiresAndAnswers410"),
      Map.entry("completeUpload 413", "LimitsTest#aBodyPastTheLimitIsRefusedWith413"),
      Map.entry("completeUpload 422", "UploadApiTest#aWrongWholeFileChecksumFailsTheUpload"),
      Map.entry("completeUpload 503", "problem.ProblemMappersTest#anUnreachableDatabaseIs503WithRetryAfter"),
      Map.entry("predict 200", "PlatformFlowTest#aJobTrainsAndItsModelPredicts"),
      Map.entry("predict 400", "PlatformFlowTest#aJobTrainsAndItsModelPredicts"),
      Map.entry("predict 401", "DocumentedAnswersTest#theKeyOperationsNeedAToken"),
      Map.entry("predict 404", "DocumentedAnswersTest#anUnknownUploadOrModelIs404"),
      Map.entry("predict 413", "DocumentedAnswersTest#anUploadOrAChunkPastItsLimitIs413"),
      Map.entry("predict 503", "problem.ProblemMappersTest#anUnreachableDatabaseIs503WithRetryAfter")));

  /** The key operations: what a user does from upload to prediction. */
  private static final List<String> KEY = List.of("submitJob", "getJob", "createUpload", "putUploadChunk",
      "completeUpload", "predict");

  @Test
  void everyDocumentedCodeOfTheKeyOperationsIsReachedByATest() throws Exception {
    Map<String, String> documented = new TreeMap<>();
    OpenApiTest.document().get("paths").forEach(path -> path.forEach(op -> {
      if (KEY.contains(op.path("operationId").asText())) {
        op.get("responses").fieldNames().forEachRemaining(code ->
            documented.put(op.get("operationId").asText() + " " + code, REACHED.get(op.get("operationId").asText() + " " + code)));
      }
    }));
    assertEquals(KEY.size(), documented.keySet().stream().map(k -> k.split(" ")[0]).distinct().count(), "found " + documented);
    List<String> missing = new ArrayList<>();
    documented.forEach((answer, test) -> {
      if (test == null) {
        missing.add(answer);
      }
    });
    assertEquals(List.of(), missing, "documented answers no test reaches: add the test and its line to REACHED");
    assertEquals(documented.keySet(), REACHED.keySet(), "REACHED names answers the document does not give");
    List<String> absent = new ArrayList<>();
    for (String test : new java.util.TreeSet<>(REACHED.values())) {
      if (!isTest(test)) {
        absent.add(test);
      }
    }
    assertEquals(List.of(), absent, "REACHED names tests that do not exist");
  }

  @Test
  void theKeyOperationsNeedAToken() {
    Map<String, Function<RequestSpecification, io.restassured.response.Response>> calls = Map.of(
        "submitJob", r -> r.contentType("application/json").body("{}").post("/api/v1/jobs"),
        "getJob", r -> r.get("/api/v1/jobs/job_x"),
        "createUpload", r -> r.contentType("application/json").body("{}").post("/api/v1/uploads"),
        "putUploadChunk", r -> r.header("Content-Range", "bytes 0-0/1").body(new byte[1]).put("/api/v1/uploads/up_x"),
        "completeUpload", r -> r.post("/api/v1/uploads/up_x/complete"),
        "predict", r -> r.contentType("text/plain").body("1:1\n").post("/api/v1/models/mdl_x/predict"));
    calls.forEach((op, call) -> call.apply(io.restassured.RestAssured.given()).then()
        .statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized")));
  }

  @Test
  void anUnknownUploadOrModelIs404() {
    String token = Api.newTenant("answers");
    Api.as(token).header("Content-Range", "bytes 0-0/1").body(new byte[1]).put("/api/v1/uploads/up_missing")
        .then().statusCode(404).body("code", equalTo("upload_not_found"));
    Api.as(token).post("/api/v1/uploads/up_missing/complete").then().statusCode(404)
        .body("code", equalTo("upload_not_found"));
    Api.as(token).contentType("text/plain").body("1:1\n").post("/api/v1/models/mdl_missing/predict")
        .then().statusCode(404).body("code", equalTo("model_not_found"));
  }

  @Test
  void anUploadOrAChunkPastItsLimitIs413() {
    String token = Api.newTenant("limits");
    Api.as(token).contentType("application/json")
        .body("{\"name\": \"huge\", \"size\": " + (TestStores.MAX_UPLOAD + 1) + "}").post("/api/v1/uploads")
        .then().statusCode(413).body("code", equalTo("upload_too_large"));
    long size = TestStores.MAX_CHUNK + 1;
    String upload = Api.as(token).contentType("application/json")
        .body("{\"name\": \"chunky\", \"size\": " + size + "}").post("/api/v1/uploads")
        .then().statusCode(201).body("maxChunkBytes", equalTo((int) TestStores.MAX_CHUNK)).extract().path("id");
    Api.as(token).header("Content-Range", "bytes 0-" + (size - 1) + "/" + size).body(new byte[(int) size])
        .put("/api/v1/uploads/" + upload).then().statusCode(413).body("code", equalTo("chunk_too_large"));

    String dataset = Api.readyDataset(token, "d", "1 1:1\n0 2:1\n".repeat(50));
    String job = Api.as(token).contentType("application/json").body(Api.spec(dataset, "\"params\": {\"epochs\": 1}"))
        .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    String model = Api.waitForStatus(token, "/api/v1/jobs/" + job, "SUCCEEDED").getString("modelId");
    Api.as(token).contentType("text/plain").body("1:1\n".repeat((16 << 20) / 4 + 1))
        .post("/api/v1/models/" + model + "/predict").then().statusCode(413).body("code", equalTo("predict_too_large"));
  }

  /** Whether "Class#method" (a class of trainyard.api) is a JUnit test. */
  private boolean isTest(String test) {
    String[] parts = test.split("#");
    try {
      Method m = Class.forName("trainyard.api." + parts[0], false, getClass().getClassLoader()).getDeclaredMethod(parts[1]);
      return m.isAnnotationPresent(Test.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return false;
    }
  }
}
