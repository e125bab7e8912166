package trainyard.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import trainyard.api.platform.DeadLetterRow;

/** What an operator's probes and scrapers see, without a token; and the headers on every answer. */
@QuarkusTest
@WithTestResource(TestStores.class)
class OpsTest {
  @Test
  void liveAndReadyAreUpWithoutAToken() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"),
        "checks.name", hasItems("postgresql", "kafka", "disk"),
        "checks.status", org.hamcrest.Matchers.everyItem(equalTo("UP")),
        "checks.find { it.name == 'kafka' }.data.brokers", equalTo(1));
  }

  @Test
  void metricsCountJobsExecutorsAndDeadLetters() {
    Api.as(TestStores.ADMIN_TOKEN).get("/api/v1/jobs/job_absent").then().statusCode(404);
    QuarkusTransaction.requiringNew().run(() -> {
      DeadLetterRow row = new DeadLetterRow();
      row.topic = "trainyard.events";
      row.payload = new byte[] {1};
      row.error = "set aside by OpsTest";
      row.receivedAt = Instant.now();
      row.persist();
    });
    long deadLetters = QuarkusTransaction.requiringNew().call(() -> DeadLetterRow.count());
    String metrics = awaitMetrics(m -> value(m, "trainyard_dead_letters") == deadLetters
        && value(m, "trainyard_executors") >= 1 && m.contains("trainyard_executor_free_cores{executor="));
    for (trainyard.bus.JobState state : trainyard.bus.JobState.values()) {
      assertTrue(metrics.contains("trainyard_jobs{state=\"" + state + "\"}"), state + " in\n" + metrics);
    }
    assertTrue(metrics.contains("trainyard_executor_free_memory_mb{executor="), metrics);
    // one series per path template, not per id
    assertTrue(metrics.contains("uri=\"/api/v1/jobs/{id}\""), metrics);
    assertTrue(metrics.contains("jvm_memory_used_bytes{"), metrics);
  }

  @Test
  void metricsCountIngestedBytesByOutcomeAndTheIngestQueue() {
    String token = Api.newTenant("metrics");
    String good = "1 1:0.5 2:1\n0 1:1 3:2\n";
    String bad = "1 1:0.5\n0 oops\n";
    String before = given().get("/q/metrics").then().statusCode(200).extract().asString();
    Api.upload(token, "good", good);
    Api.uploadBad(token, "bad", bad);
    String after = given().get("/q/metrics").then().statusCode(200).extract().asString();
    // at least: resumable uploads of other tests may still end meanwhile
    assertTrue(bytes(after, "ready") - bytes(before, "ready") >= good.length(), after);
    assertTrue(bytes(after, "failed") - bytes(before, "failed") >= bad.length(), after);
    assertTrue(value(after, "trainyard_ingest_waiting") >= 0, after);
    assertTrue(value(after, "trainyard_ingest_running") >= 0, after);
    assertTrue(value(after, "trainyard_ingest_wait_seconds_count{outcome=\"granted\"}")
        >= Math.max(value(before, "trainyard_ingest_wait_seconds_count{outcome=\"granted\"}"), 0) + 2, after);
  }

  /** Bytes ingested with {@code outcome} so far (0 before the first). */
  private static double bytes(String metrics, String outcome) {
    return Math.max(0, value(metrics, "trainyard_ingest_bytes_total{outcome=\"" + outcome + "\"}"));
  }

  @Test
  void metricsShowTheQueueDepthAndTheLagOfTheApisConsumers() {
    String token = Api.newTenant("ops");
    String dataset = Api.readyDataset(token, "d", "1 1:1\n0 2:1\n");
    Api.as(token).contentType("application/json").body(Api.spec(dataset, JobApiTest.UNPLACEABLE))
        .post("/api/v1/jobs").then().statusCode(201);
    String metrics = awaitMetrics(m -> value(m, "trainyard_queue_depth") >= 1
        && value(m, "trainyard_queue_depth") == value(m, "trainyard_jobs{state=\"QUEUED\"}")
        && value(m, "trainyard_consumer_lag{consumer=\"events\"}") >= 0
        && value(m, "trainyard_consumer_lag{consumer=\"heartbeats\"}") >= 0);
    assertTrue(metrics.contains("# TYPE trainyard_consumer_lag gauge"), metrics);
  }

  @Test
  void securityHeadersAreOnTheDashboardAndTheApi() {
    hasSecurityHeaders(given().get("/").then().statusCode(200));
    hasSecurityHeaders(given().get("/assets/app.js").then().statusCode(200));
    hasSecurityHeaders(Api.as(TestStores.ADMIN_TOKEN).get("/api/v1/jobs").then().statusCode(200));
    hasSecurityHeaders(given().get("/api/v1/jobs").then().statusCode(401));
  }

  private static void hasSecurityHeaders(ValidatableResponse response) {
    response.header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY")
        .header("Content-Security-Policy", org.hamcrest.Matchers.allOf(
            org.hamcrest.Matchers.containsString("default-src 'self'"),
            org.hamcrest.Matchers.containsString("frame-ancestors 'none'")));
  }

  private static String awaitMetrics(java.util.function.Predicate<String> done) {
    long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
    String metrics;
    do {
      metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
      if (done.test(metrics)) {
        return metrics;
      }
      sleep();
    } while (System.nanoTime() < deadline);
    return org.junit.jupiter.api.Assertions.fail("the gauges awaited did not come within " + Api.DEADLINE + ":\n" + metrics);
  }

  /** The value of a series (a name, with its tags if any), or -1 when it is absent. */
  private static double value(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
