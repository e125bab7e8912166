package trainyard.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.job.JobRow;
import trainyard.api.job.PendingPublishes;
import trainyard.bus.JobState;
import trainyard.spec.JobSpec;

@QuarkusTest
@WithTestResource(TestStores.class)
class JobApiTest {
  /** No executor has 64 GPUs: a job asking for them waits in the queue, with a reason. */
  static final String UNPLACEABLE = "\"resources\": {\"workers\": 1, \"servers\": 1, \"gpus\": 64}";

  private String token;
  private String dataset;

  @BeforeEach
  void tenantWithData() {
    token = Api.newTenant("jobs");
    dataset = Api.readyDataset(token, "train", "1 1:1 2:1\n0 3:1\n1 1:1\n0 2:1 3:1\n");
  }

  @Inject PendingPublishes pending;

  /**
   * A job stored while Kafka did not answer (the row exists, its SUBMIT was never sent) is sent
   * by the retry and runs; one that no longer waits is dropped from the retry.
   */
  @Test
  void aJobKafkaRefusedIsSentAgainAndRuns() {
    String tenant = Api.as(token).get("/api/v1/whoami").then().statusCode(200).extract().path("tenantId");
    String id = "job_unpublished_" + UUID.randomUUID().toString().substring(0, 8);
    QuarkusTransaction.requiringNew().run(() -> {
      JobRow row = new JobRow();
      row.id = id;
      row.tenantId = tenant;
      row.name = "t";
      row.algorithm = "linear";
      row.datasetId = dataset;
      row.specJson = JobSpec.parse(Api.spec(dataset, "\"params\": {\"epochs\": 1}")).toJson();
      row.status = JobState.QUEUED.name();
      row.attempt = 1;
      row.stateAttempt = 1;
      row.createdAt = Instant.now();
      row.updatedAt = row.createdAt;
      row.persist();
    });
    pending.add(id);
    assertEquals(0, pending.retryNow());
    Api.waitForStatus(token, "/api/v1/jobs/" + id, "SUCCEEDED");

    pending.add(id);
    assertEquals(0, pending.retryNow());
    assertFalse(pending.contains(id), "a job that no longer waits is not sent again");
    assertEquals(1, Api.as(token).get("/api/v1/jobs/" + id).then().extract().<Integer>path("attempt"));
  }

  @Test
  void unknownSpecKeysAreRefusedWithTheirField() {
    submit(Api.spec(dataset, "\"params\": {\"epochz\": 3}")).then().statusCode(400)
        .contentType("application/problem+json")
        .body("code", equalTo("unknown_field"), "field", equalTo("params.epochz"),
            "detail", containsString("epochz"));
  }

  @Test
  void earlyStoppingWithoutValidationDataIsRefused() {
    submit(Api.spec(dataset, "\"stopping\": {\"patience\": 2}")).then().statusCode(400)
        .contentType("application/problem+json")
        .body("code", equalTo("invalid_value"), "field", equalTo("stopping.patience"),
            "detail", containsString("validation"));
  }

  @Test
  void outOfRangeValuesAreRefused() {
    submit(Api.spec(dataset, "\"params\": {\"batchSize\": 0}")).then().statusCode(400)
        .body("code", equalTo("out_of_range"), "field", equalTo("params.batchSize"), "detail", containsString("0"));
    submit(Api.spec(dataset, "\"priority\": 5000")).then().statusCode(400)
        .body("code", equalTo("out_of_range"), "field", equalTo("priority"));
  }

  @Test
  void malformedJsonIsRefused() {
    submit("{\"name\": ").then().statusCode(400).body("code", equalTo("malformed_json"));
  }

  @Test
  void aDatasetThatIsNotReadyIsRefused() {
    String failed = Api.uploadBad(token, "broken", "1 1:x\n");
    submit(Api.spec(failed, "")).then().statusCode(409)
        .body("code", equalTo("dataset_not_ready"), "field", equalTo("dataset"), "detail", containsString("FAILED"));
    submit(Api.spec(dataset, "\"validation\": {\"dataset\": \"" + failed + "\"}")).then().statusCode(409)
        .body("code", equalTo("dataset_not_ready"), "field", equalTo("validation.dataset"));
    submit(Api.spec("ds_01a21c3508dc00d6010a77", "")).then().statusCode(404).body("code", equalTo("dataset_not_found"));
  }

  @Test
  void aValidationDatasetIngestedWithOtherHashBitsIsRefused() {
    String hashed = Api.as(token).body("1 1:1 2:1\n0 3:1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .contentType("application/octet-stream").post("/api/v1/datasets?name=hashed&format=libsvm&hashBits=20")
        .then().statusCode(201).extract().path("id");
    submit(Api.spec(dataset, "\"validation\": {\"dataset\": \"" + hashed + "\"}")).then().statusCode(400)
        .body("code", equalTo("validation_mismatch"), "field", equalTo("validation.dataset"),
            "detail", containsString("hashBits 20"));
    // hashing happens at ingestion: a job may only repeat the dataset's hashBits
    submit(Api.spec(hashed, "\"params\": {\"hashBits\": 10}")).then().statusCode(400)
        .body("code", equalTo("hash_bits_mismatch"), "field", equalTo("params.hashBits"));
    submit(Api.spec(hashed, "\"params\": {\"hashBits\": 20}")).then().statusCode(201);
    String alike = Api.readyDataset(token, "alike", "1 1:1\n0 2:1\n");
    submit(Api.spec(dataset, "\"validation\": {\"dataset\": \"" + alike + "\"}")).then().statusCode(201);
  }

  @Test
  void aWaitingJobSaysWhyAndCanBeCancelled() {
    String id = submit(Api.spec(dataset, UNPLACEABLE)).then().statusCode(201)
        .header("Location", containsString("/api/v1/jobs/"))
        .body("status", equalTo("QUEUED"), "attempt", equalTo(1), "spec.resources.gpus", equalTo(64))
        .extract().path("id");
    JsonPath waiting = waitForReason(id);
    org.hamcrest.MatcherAssert.assertThat(waiting.getString("statusReason"), containsString("GPU"));
    Api.as(token).post("/api/v1/jobs/" + id + "/cancel").then().statusCode(202)
        .body("status", equalTo("CANCELLED"), "finishedAt", notNullValue());
    Api.as(token).get("/api/v1/jobs/" + id + "/events").then().statusCode(200)
        .body("state", hasItem("CANCELLED"));
    Api.as(token).post("/api/v1/jobs/" + id + "/cancel").then().statusCode(409).body("code", equalTo("job_finished"));
    Api.as(token).get("/api/v1/jobs?status=cancelled").then().statusCode(200).body("items.id", hasItem(id));
  }

  @Test
  void anIdempotencyKeyReturnsTheSameJob() {
    String spec = Api.spec(dataset, UNPLACEABLE);
    String first = Api.as(token).header("Idempotency-Key", "retry-1").contentType("application/json").body(spec)
        .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    Api.as(token).header("Idempotency-Key", "retry-1").contentType("application/json").body(spec)
        .post("/api/v1/jobs").then().statusCode(200).body("id", equalTo(first));
    Api.as(token).header("Idempotency-Key", "retry-1").contentType("application/json")
        .body(Api.spec(dataset, UNPLACEABLE + ", \"priority\": 3"))
        .post("/api/v1/jobs").then().statusCode(422).body("code", equalTo("idempotency_key_reused"));
    // Another tenant's key space is its own.
    String other = Api.newTenant("jobs-other");
    String otherData = Api.readyDataset(other, "d", "1 1:1\n0 2:1\n");
    String second = Api.as(other).header("Idempotency-Key", "retry-1").contentType("application/json")
        .body(Api.spec(otherData, UNPLACEABLE)).post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    org.junit.jupiter.api.Assertions.assertNotEquals(first, second);
    Api.as(token).post("/api/v1/jobs/" + first + "/cancel").then().statusCode(202);
    Api.as(other).post("/api/v1/jobs/" + second + "/cancel").then().statusCode(202);
  }

  /**
   * Every job shows the memory each executor must offer (the engine's estimate); one that no
   * executor could hold is refused at once, saying what it needs and what the largest offers.
   */
  @Test
  void aJobNoExecutorCanHoldIsRefusedAndEveryJobShowsItsMemory() {
    String id = submit(Api.spec(dataset, UNPLACEABLE)).then().statusCode(201)
        .body("memoryMb", org.hamcrest.Matchers.greaterThan(128)).extract().path("id");
    Api.as(token).post("/api/v1/jobs/" + id + "/cancel").then().statusCode(202);
    String huge = "{\"name\": \"huge\", \"algorithm\": \"mlp\", \"dataset\": \"" + dataset + "\","
        + " \"params\": {\"hidden\": [65536, 65536]}}";
    submit(huge).then().statusCode(422).contentType("application/problem+json")
        .body("code", equalTo("job_too_large"), "field", equalTo("resources"),
            "detail", containsString("the largest executor offers"));
  }

  /**
   * Libsvm's ids start at 1, so a 2^20 feature space ends at id 2^20: an mlp job on it runs (it
   * was accepted, then failed at run time: "feature ids must be < 1048576, got 1048576"). Data
   * its dense input cannot take, or softmax labels that are not classes, are refused at submit.
   */
  @Test
  void anMlpJobIsCheckedAgainstItsDataAtSubmit() {
    String narrow = "\"algorithm\": \"mlp\", \"params\": {\"hidden\": [1], \"epochs\": 1, \"batchSize\": 2, \"optimizer\": \"sgd\"}";
    String edge = Api.readyDataset(token, "edge", "1 1:1 1048576:1\n0 2:1\n");
    String id = submit(Api.spec(edge, "\"resources\": {\"workers\": 1, \"servers\": 1}").replace("\"algorithm\": \"linear\"", narrow))
        .then().statusCode(201).extract().path("id");
    Api.waitForStatus(token, "/api/v1/jobs/" + id, "SUCCEEDED");

    String past = Api.readyDataset(token, "past", "1 1:1 1048577:1\n0 2:1\n");
    submit(Api.spec(dataset, "\"validation\": {\"dataset\": \"" + past + "\"}").replace("\"algorithm\": \"linear\"", narrow))
        .then().statusCode(422).contentType("application/problem+json")
        .body("code", equalTo("dataset_shape"), "field", equalTo("validation.dataset"),
            "detail", containsString("feature ids must be <= 1048576 (2^20), got 1048577"));
    String halves = Api.readyDataset(token, "halves", "0.5 1:1\n1 2:1\n");
    submit(Api.spec(halves, "\"algorithm\": \"mlp\", \"params\": {\"loss\": \"softmax\"}").replace("\"algorithm\": \"linear\", ", ""))
        .then().statusCode(422).body("code", equalTo("dataset_shape"), "field", equalTo("dataset"),
            "detail", containsString("class indexes"));
  }

  /**
   * A job for several executors keeps resources.executors in its spec and shows its members
   * (none before it is placed: EventConsumerTest feeds placements); another tenant gets a 404.
   */
  @Test
  void aJobShowsItsExecutorsAndMembersOnlyToItsTenant() {
    String id = submit(Api.spec(dataset, "\"resources\": {\"executors\": 2, \"workers\": 2, \"servers\": 3, \"gpus\": 64}"))
        .then().statusCode(201).body("spec.resources.executors", equalTo(2)).extract().path("id");
    Api.as(token).get("/api/v1/jobs/" + id).then().statusCode(200).body("members", org.hamcrest.Matchers.hasSize(0),
        "spec.resources.executors", equalTo(2), "spec.resources.servers", equalTo(3));
    String other = Api.newTenant("members-other");
    Api.as(other).get("/api/v1/jobs/" + id).then().statusCode(404).contentType("application/problem+json")
        .body("code", equalTo("job_not_found"));
    Api.as(token).post("/api/v1/jobs/" + id + "/cancel").then().statusCode(202);

    submit(Api.spec(dataset, "\"resources\": {\"executors\": 3, \"workers\": 2}")).then().statusCode(400)
        .contentType("application/problem+json").body("code", equalTo("out_of_range"),
            "field", equalTo("resources.workers"), "detail", containsString("resources.executors"));
    submit(Api.spec(dataset, "\"resources\": {\"executors\": \"two\"}")).then().statusCode(400)
        .contentType("application/problem+json");
    submit(Api.spec(dataset, "\"resources\": {\"executors\": 65}")).then().statusCode(400)
        .body("field", equalTo("resources.executors"));
  }

  @Test
  void unknownJobsAnd404s() {
    Api.as(token).get("/api/v1/jobs/job_nope").then().statusCode(404).body("code", equalTo("job_not_found"));
    Api.as(token).get("/api/v1/jobs?status=sleeping").then().statusCode(400).body("code", equalTo("invalid_status"));
    Api.as(token).get("/api/v1/models/mdl_nope").then().statusCode(404).body("code", equalTo("model_not_found"));
  }

  private JsonPath waitForReason(String id) {
    long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      JsonPath job = Api.as(token).get("/api/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
      if (job.getString("statusReason") != null) {
        assertEquals("QUEUED", job.getString("status"));
        return job;
      }
      Api.pause();
    }
    throw new AssertionError("job " + id + " got no statusReason");
  }

  private io.restassured.response.Response submit(String spec) {
    return Api.as(token).contentType("application/json").body(spec).post("/api/v1/jobs");
  }
}
