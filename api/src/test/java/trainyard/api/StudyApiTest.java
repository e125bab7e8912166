package trainyard.api;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.demo.DemoData;
import trainyard.api.study.StudyDriver;

/** Studies through the REST API: refused requests, idempotency, tenants, and a real ASHA search. */
@QuarkusTest
@WithTestResource(TestStores.class)
class StudyApiTest {
  @Inject StudyDriver driver;
  private String token;
  private String dataset;

  @BeforeEach
  void data() {
    token = Api.newTenant("study");
    dataset = Api.upload(token, "clicks", DemoData.libsvm(4000, 60, 6, 11));
  }

  private String base(String params) {
    return "{\"name\": \"tune\", \"algorithm\": \"linear\", \"dataset\": \"" + dataset + "\", \"validation\": "
        + "{\"fraction\": 0.25}, \"params\": {" + params + "}, \"resources\": {\"workers\": 1, \"servers\": 1}}";
  }

  private static String study(String base, String space, String rest) {
    return "{\"spec\": " + base + ", \"space\": {" + space + "}, \"objective\": {\"metric\": \"val_logloss\"}"
        + (rest.isEmpty() ? "" : ", " + rest) + "}";
  }

  private static final String RATE = "\"params.learningRate\": {\"type\": \"float\", \"min\": 0.0001, \"max\": 3, "
      + "\"scale\": \"log\"}";

  private void refused(String body, int status, String code, String field) {
    Api.as(token).contentType("application/json").body(body).post("/api/v1/studies").then().statusCode(status)
        .contentType("application/problem+json").body("code", equalTo(code), "field", equalTo(field));
  }

  @Test
  void badStudiesAreRefusedNamingTheField() {
    String spec = base("\"epochs\": 3");
    refused("[1]", 400, "malformed_json", "");
    refused(study(spec, RATE, "\"colour\": 1"), 400, "unknown_field", "colour");
    refused(study(spec, "\"params.learningRate\": {\"type\": \"float\", \"min\": 0, \"max\": 1, \"scale\": \"log\"}", ""),
        400, "out_of_range", "space.params.learningRate.min");
    refused(study(spec, RATE, "\"budget\": {\"trials\": 0}"), 400, "out_of_range", "budget.trials");
    refused(study(spec, RATE, "\"method\": {\"type\": \"bayes\"}"), 400, "invalid_value", "method.type");
    refused(study(spec, RATE, "\"method\": {\"type\": \"grid\"}, \"budget\": {\"trials\": 5}"), 400, "out_of_range",
        "budget.trials");
    refused(study(spec, RATE, "\"method\": {\"type\": \"asha\", \"minEpochs\": 3}"), 400, "out_of_range",
        "method.minEpochs");
    refused(study(base("\"epochs\": 0"), RATE, ""), 400, "out_of_range", "spec.params.epochs");
    // a combination the job spec refuses: batch sizes down to 0
    refused(study(spec, "\"params.batchSize\": {\"type\": \"int\", \"min\": 0, \"max\": 8}", "\"method\": {\"type\": "
        + "\"grid\"}"), 400, "out_of_range", "space.params.batchSize");
    refused(study(spec.replace("\"validation\": {\"fraction\": 0.25}, ", ""), RATE, ""), 400, "missing_field",
        "spec.validation");
    refused(study(spec.replace(dataset, "ds_00000000000000000000ff"), RATE, ""), 404, "dataset_not_found",
        "spec.dataset");
  }

  /** ASHA's defaults: η 2 and a first rung at a quarter of the spec's epochs (at least 1). */
  @Test
  void ashaDefaultsToEtaTwoFromAQuarterOfTheEpochs() {
    for (int epochs : new int[] {9, 2}) {
      JsonPath submitted = Api.as(token).contentType("application/json").body(study(base("\"epochs\": " + epochs), RATE,
          "\"method\": {\"type\": \"asha\"}, \"budget\": {\"trials\": 1}")).post("/api/v1/studies")
          .then().statusCode(201).extract().jsonPath();
      assertEquals(Map.of("type", "asha", "eta", 2, "minEpochs", epochs == 9 ? 2 : 1), submitted.getMap("request.method"));
      Api.as(token).post("/api/v1/studies/" + submitted.getString("id") + "/cancel").then().statusCode(oneOf(202, 409));
    }
  }

  @Test
  void submitIsIdempotentAndStudiesAreTheTenantsOwn() {
    // more trials than run in the test's time, so the cancel comes first; the first trial is sent to
    // the scheduler before the answer, which may find it placed already
    String body = study(base("\"epochs\": 2"), RATE, "\"budget\": {\"trials\": 100, \"maxParallel\": 1}");
    String id = Api.as(token).header("Idempotency-Key", "k1").contentType("application/json").body(body)
        .post("/api/v1/studies").then().statusCode(201).body("id", startsWith("stu_"),
            "trials", hasSize(1), "trials[0].state", oneOf("QUEUED", "ASSIGNED", "RUNNING"), "budgetTrials", equalTo(100),
            "request.method.type", equalTo("random"), "request.seed", equalTo(1),
            "request.space.'params.learningRate'.points", equalTo(3),
            "request.space.'params.learningRate'.scale", equalTo("log")).extract().path("id");
    Api.as(token).header("Idempotency-Key", "k1").contentType("application/json").body(body)
        .post("/api/v1/studies").then().statusCode(200).body("id", equalTo(id));
    Api.as(token).header("Idempotency-Key", "k1").contentType("application/json").body(body.replace("\"trials\": 100",
        "\"trials\": 3")).post("/api/v1/studies").then().statusCode(422).body("code", equalTo("idempotency_key_reused"));
    String trialJob = Api.as(token).get("/api/v1/studies/" + id).then().statusCode(200).extract().path("trials[0].jobId");
    Api.as(token).get("/api/v1/jobs/" + trialJob).then().statusCode(200).body("studyId", equalTo(id),
        "name", equalTo("tune-t0"));

    String other = Api.newTenant("other");
    Api.as(other).get("/api/v1/studies/" + id).then().statusCode(404).body("code", equalTo("study_not_found"));
    Api.as(other).post("/api/v1/studies/" + id + "/cancel").then().statusCode(404);
    Api.as(other).get("/api/v1/studies").then().statusCode(200).body("items", hasSize(0));
    Api.as(token).get("/api/v1/studies?status=QUEUED,RUNNING").then().statusCode(400)
        .body("code", equalTo("invalid_status"));

    // a trial may end on its own first; none is launched after the cancel, and every one ends
    int launched = Api.as(token).post("/api/v1/studies/" + id + "/cancel").then().statusCode(202)
        .body("status", equalTo("CANCELLED")).extract().jsonPath().getList("trials").size();
    Api.as(token).post("/api/v1/studies/" + id + "/cancel").then().statusCode(409)
        .body("code", equalTo("study_finished"));
    for (int i = 0; i < launched; i++) {
      String job = Api.as(token).get("/api/v1/studies/" + id).then().extract().path("trials[" + i + "].jobId");
      JsonPath ended = Api.waitForStatus(token, "/api/v1/jobs/" + job, "CANCELLED", "SUCCEEDED");
      if (ended.getString("status").equals("CANCELLED")) {
        assertThat(ended.getString("statusReason"), startsWith("cancelled with its study " + id));
      }
    }
    Api.as(token).get("/api/v1/studies/" + id).then().body("trials", hasSize(launched), "status", equalTo("CANCELLED"));
  }

  /**
   * The driver keeps nothing but the rows: stopped while a trial ends (as by a restart) and started
   * again, it goes on from the database without running a finished trial again.
   */
  @Test
  void aRestartedDriverGoesOnFromTheRows() {
    String body = study(base("\"epochs\": 2"), RATE, "\"budget\": {\"trials\": 3, \"maxParallel\": 1}, \"seed\": 5");
    JsonPath submitted = Api.as(token).contentType("application/json").body(body).post("/api/v1/studies")
        .then().statusCode(201).extract().jsonPath();
    String id = submitted.getString("id");
    String first = submitted.getString("trials[0].jobId");
    driver.stop();
    try {
      Api.waitForStatus(token, "/api/v1/jobs/" + first, "SUCCEEDED");
      Api.as(token).get("/api/v1/studies/" + id).then().body("trials", hasSize(1));
    } finally {
      driver.start();
    }
    JsonPath done = Api.waitForStatus(token, "/api/v1/studies/" + id, "SUCCEEDED", "FAILED", "CANCELLED");
    assertEquals("SUCCEEDED", done.getString("status"), () -> done.prettify());
    assertEquals(List.of(0, 1, 2), done.getList("trials.index"));
    assertEquals(first, done.getString("trials[0].jobId"));
    assertEquals(submitted.getMap("trials[0].params"), done.getMap("trials[0].params"));
    List<String> jobs = Api.as(token).get("/api/v1/jobs").then().extract().jsonPath().getList("items.id");
    assertEquals(3, jobs.size(), "one job per trial, none run twice: " + jobs);
  }

  /**
   * An MLP whose epochs take about a second here, so that a stop decided at a rung reaches its
   * trial (through Kafka, the scheduler and the executor) before the trial ends on its own.
   */
  static String slowTrials(String dataset) {
    return "{\"name\": \"tune\", \"algorithm\": \"mlp\", \"dataset\": \"" + dataset + "\", \"validation\": "
        + "{\"fraction\": 0.25}, \"params\": {\"loss\": \"logistic\", \"optimizer\": \"sgd\", \"epochs\": 6, "
        + "\"batchSize\": 10, \"hidden\": [128, 128]}, \"resources\": {\"workers\": 1, \"servers\": 1}}";
  }

  static final String SLOW_SPACE = "\"params.learningRate\": {\"type\": \"float\", \"min\": 0.001, \"max\": 0.5, "
      + "\"scale\": \"log\"}";

  @Test
  void ashaStopsPoorTrialsEarlyAndEndsWithTheBestModel() {
    String larger = Api.upload(token, "clicks-20k", DemoData.libsvm(20_000, 60, 6, 11));
    String body = study(slowTrials(larger), SLOW_SPACE,
        "\"budget\": {\"trials\": 6, \"maxParallel\": 2}, \"method\": {\"type\": \"asha\", \"eta\": 2, "
            + "\"minEpochs\": 1}, \"seed\": 3");
    String id = Api.as(token).contentType("application/json").body(body).post("/api/v1/studies")
        .then().statusCode(201).body("trials", hasSize(2)).extract().path("id");
    JsonPath done = Api.waitForStatus(token, "/api/v1/studies/" + id, "SUCCEEDED", "FAILED", "CANCELLED");
    assertEquals("SUCCEEDED", done.getString("status"), () -> done.prettify());
    List<Map<String, Object>> trials = done.getList("trials");
    assertEquals(6, trials.size());
    List<Map<String, Object>> stopped = trials.stream().filter(t -> "STOPPED".equals(t.get("state"))).toList();
    List<Map<String, Object>> full = trials.stream().filter(t -> "SUCCEEDED".equals(t.get("state"))).toList();
    assertTrue(!stopped.isEmpty() && !full.isEmpty(), () -> "some trials stopped early, some ran: " + done.prettify());
    for (Map<String, Object> t : stopped) {
      assertTrue((Integer) t.get("epoch") < 6, () -> "a stopped trial trained fewer epochs: " + t);
      // its job says so itself, not only the study
      JsonPath job = Api.waitForStatus(token, "/api/v1/jobs/" + t.get("jobId"), "CANCELLED");
      assertTrue(job.getString("statusReason").matches("stopped early by study " + id + " at rung \\d \\(epoch \\d\\): "
          + "its val_logloss, projected to epoch 6 at its last change per epoch, was not in the top 1/2 of the trials "
          + "there"), job.getString("statusReason"));
    }
    Map<String, Object> best = full.stream().min((a, b) -> Double.compare(((Number) a.get("objective")).doubleValue(),
        ((Number) b.get("objective")).doubleValue())).orElseThrow();
    assertEquals(best.get("jobId"), done.getString("bestJobId"));
    assertEquals(((Number) best.get("objective")).doubleValue(), done.getDouble("bestObjective"), 1e-6);
    assertNotNull(done.getString("modelId"));
    assertEquals(best.get("modelId"), done.getString("modelId"));
    Api.as(token).get("/api/v1/models/" + done.getString("modelId")).then().statusCode(200)
        .body("jobId", equalTo(best.get("jobId")));
  }
}
