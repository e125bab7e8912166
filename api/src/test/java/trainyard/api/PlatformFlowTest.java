package trainyard.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.demo.DemoData;

/** The whole path: upload → ingest → job through Kafka → SUCCEEDED → metrics → model → predict. */
@QuarkusTest
@WithTestResource(TestStores.class)
class PlatformFlowTest {
  private String token;
  private String dataset;

  @BeforeEach
  void data() {
    token = Api.newTenant("flow");
    dataset = Api.upload(token, "clicks", DemoData.libsvm(800, 60, 6, 7));
  }

  @Test
  void aJobTrainsAndItsModelPredicts() {
    String spec = Api.spec(dataset, "\"validation\": {\"fraction\": 0.25}, \"params\": {\"loss\": \"logistic\","
        + " \"optimizer\": \"ftrl\", \"learningRate\": 0.1, \"epochs\": 2, \"batchSize\": 50},"
        + " \"resources\": {\"workers\": 1, \"servers\": 1}");
    String job = Api.as(token).contentType("application/json").body(spec).post("/api/v1/jobs")
        .then().statusCode(201).body("status", equalTo("QUEUED")).extract().path("id");

    // Followed live from submission: the stream sends each event as it is stored and ends
    // after the terminal state (a socket timeout fails the test if it never ends).
    String stream = Api.as(token).config(io.restassured.RestAssured.config().httpClient(
            io.restassured.config.HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 60_000)))
        .accept("text/event-stream").get("/api/v1/jobs/" + job + "/events")
        .then().statusCode(200).extract().asString();
    for (String part : List.of("event:STATE", "\"state\":\"RUNNING\"", "event:METRIC", "event:MODEL",
        "\"state\":\"SUCCEEDED\"")) {
      org.hamcrest.MatcherAssert.assertThat(stream, containsString(part));
    }

    JsonPath done = Api.waitForStatus(token, "/api/v1/jobs/" + job, "SUCCEEDED", "FAILED", "CANCELLED");
    assertEquals("SUCCEEDED", done.getString("status"), () -> "job ended " + done.prettify());
    assertEquals(1.0, done.getDouble("progress"));
    assertEquals(2, done.getInt("epoch"));
    for (String t : List.of("createdAt", "assignedAt", "startedAt", "finishedAt", "executorId", "modelId")) {
      org.junit.jupiter.api.Assertions.assertNotNull(done.get(t), t);
    }
    double auc = done.getDouble("finalMetrics.val_auc");
    assertTrue(auc > 0.6, "the model learned something: val_auc " + auc);

    Api.as(token).get("/api/v1/jobs/" + job + "/metrics?name=train_loss").then().statusCode(200)
        .body("", hasSize(2), "epoch", equalTo(List.of(1, 2)));
    Api.as(token).get("/api/v1/jobs/" + job + "/metrics").then().statusCode(200)
        .body("name", hasItems("train_loss", "val_logloss", "val_auc", "examples_per_sec"));
    Api.as(token).get("/api/v1/jobs/" + job + "/events").then().statusCode(200)
        .body("state", hasItems("ASSIGNED", "RUNNING", "SUCCEEDED"), "type", hasItems("METRIC", "MODEL"));


    String model = done.getString("modelId");
    Api.as(token).get("/api/v1/models/" + model).then().statusCode(200)
        .body("jobId", equalTo(job), "algorithm", equalTo("linear"), "hashBits", equalTo(0),
            "sizeBytes", notNullValue(), "info.spec.dataset", equalTo(dataset));
    Api.as(token).get("/api/v1/models").then().statusCode(200).body("items.id", hasItems(model));
    byte[] file = Api.as(token).get("/api/v1/models/" + model + "/artifact").then().statusCode(200)
        .header("Content-Disposition", containsString("attachment")).extract().asByteArray();
    assertArrayEquals("TYMODEL\n".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(file, 8));

    List<Float> p = Api.as(token).contentType("text/plain").body("1:1 2:1 3:1\n0 4:1 5:1\n")
        .post("/api/v1/models/" + model + "/predict").then().statusCode(200)
        .body("predictions", hasSize(2)).extract().jsonPath().getList("predictions", Float.class);
    for (float v : p) {
      assertTrue(v > 0 && v < 1, "a probability: " + v);
    }
    Api.as(token).contentType("text/plain").body("1 2:oops\n").post("/api/v1/models/" + model + "/predict")
        .then().statusCode(400).body("code", equalTo("invalid_rows"), "detail", containsString("line 1"));
    Api.as(token).contentType("text/plain").body("label,a,b\n1,0.5,2\n").post("/api/v1/models/" + model + "/predict")
        .then().statusCode(400).body("code", equalTo("invalid_rows"), "detail", containsString("if the file is CSV, say so (format=csv)"));
    Api.as(Api.newTenant("stranger")).get("/api/v1/models/" + model).then().statusCode(404);
  }

  @Test
  void theExecutorPoolIsListedFromHeartbeats() {
    long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      JsonPath pool = Api.as(token).get("/api/v1/executors").then().statusCode(200).extract().jsonPath();
      if (!pool.getList("").isEmpty()) {
        assertTrue(pool.getInt("[0].cores") >= 4, pool.prettify());
        org.junit.jupiter.api.Assertions.assertNotNull(pool.getString("[0].lastSeen"));
        return;
      }
      Api.pause();
    }
    throw new AssertionError("no executor was listed");
  }

  @Test
  void aRunningJobCanBeCancelled() {
    String spec = Api.spec(dataset, "\"params\": {\"epochs\": 10000, \"batchSize\": 10},"
        + " \"resources\": {\"workers\": 1, \"servers\": 1}");
    String job = Api.as(token).contentType("application/json").body(spec).post("/api/v1/jobs")
        .then().statusCode(201).extract().path("id");
    Api.waitForStatus(token, "/api/v1/jobs/" + job, "RUNNING");
    Api.as(token).post("/api/v1/jobs/" + job + "/cancel").then().statusCode(202);
    JsonPath cancelled = Api.waitForStatus(token, "/api/v1/jobs/" + job, "CANCELLED", "SUCCEEDED", "FAILED");
    assertEquals("CANCELLED", cancelled.getString("status"));
  }
}
