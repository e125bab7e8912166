package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.job.JobService;
import trainyard.api.platform.Bus;
import trainyard.bus.BusConsumer;
import trainyard.bus.BusProducer;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.bus.Received;

/**
 * The event consumer, fed through the real Kafka topic: redelivered events change nothing, a
 * state only moves forward within an attempt, a new attempt starts over, an older attempt
 * changes nothing, and unfinished jobs are re-published on start.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class EventConsumerTest {
  @Inject Bus bus;
  @Inject JobService jobs;

  private BusProducer producer;
  private String token;
  private String job;

  @BeforeEach
  void queuedJob() {
    producer = new BusProducer(bus.bootstrapServers(), "event-test");
    token = Api.newTenant("events");
    String dataset = Api.readyDataset(token, "d", "1 1:1\n0 2:1\n");
    job = Api.as(token).contentType("application/json").body(Api.spec(dataset, JobApiTest.UNPLACEABLE))
        .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
  }

  @AfterEach
  void close() {
    producer.close();
  }

  @Test
  void aRedeliveredEventChangesNothing() {
    JobEvent metric = JobEvent.metric(job, 1, 1, 10, Map.of("train_loss", 0.5, "val_auc", 0.75), "ex-1", 1_000);
    producer.send(metric);
    producer.send(metric);
    sendAndAwait(JobEvent.log(job, 1, "after the duplicates", "ex-1", 1_001));
    producer.send(metric);
    sendAndAwait(JobEvent.log(job, 1, "after the third copy", "ex-1", 1_002));

    Api.as(token).get("/api/v1/jobs/" + job + "/metrics").then().statusCode(200)
        .body("", hasSize(2), "find { it.name == 'train_loss' }.value", equalTo(0.5f));
    JsonPath events = Api.as(token).get("/api/v1/jobs/" + job + "/events").then().extract().jsonPath();
    long copies = events.getList("id", String.class).stream().filter(metric.eventId()::equals).count();
    assertEquals(1, copies);
    Api.as(token).get("/api/v1/jobs/" + job).then()
        .body("finalMetrics.train_loss", equalTo(0.5f), "epoch", equalTo(1));
  }

  @Test
  void aStateOnlyMovesForward() {
    producer.send(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-1", 2_000));
    sendAndAwait(JobEvent.state(job, 1, JobState.ASSIGNED, null, "ex-1", 1_999)); // late, stale
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("RUNNING"), "executorId", equalTo("ex-1"));

    producer.send(JobEvent.state(job, 1, JobState.FAILED, "out of memory", "ex-1", 3_000));
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-2", 3_001));
    Api.as(token).get("/api/v1/jobs/" + job).then()
        .body("status", equalTo("FAILED"), "statusReason", equalTo("out of memory"), "executorId", equalTo("ex-1"),
            "finishedAt", equalTo("1970-01-01T00:00:03Z"));
  }

  @Test
  void aRequeuedJobShowsQueuedWithItsReasonThenItsNewAttemptRuns() {
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-1", 1_000));
    String reason = "executor ex-1 lost; will resume from checkpoint";
    sendAndAwait(JobEvent.state(job, 2, JobState.QUEUED, reason, null, 2_000));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("QUEUED"),
        "statusReason", equalTo(reason), "attempt", equalTo(2), "executorId", nullValue());

    sendAndAwait(JobEvent.state(job, 2, JobState.ASSIGNED, null, "ex-2", 2_001));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("ASSIGNED"),
        "executorId", equalTo("ex-2"), "assignedAt", equalTo("1970-01-01T00:00:02.001Z"));
    sendAndAwait(JobEvent.state(job, 2, JobState.RUNNING, null, "ex-2", 2_002));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("RUNNING"),
        "startedAt", equalTo("1970-01-01T00:00:01Z"));
    sendAndAwait(JobEvent.state(job, 2, JobState.SUCCEEDED, null, "ex-2", 3_000));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("SUCCEEDED"),
        "attempt", equalTo(2), "executorId", equalTo("ex-2"), "progress", equalTo(1.0f));
  }

  @Test
  void anOlderAttemptChangesNothingOnceANewOneStarted() {
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-1", 1_000));
    sendAndAwait(JobEvent.metric(job, 2, 2, 20, Map.of("train_loss", 0.25), "ex-2", 2_000));
    sendAndAwait(JobEvent.state(job, 2, JobState.RUNNING, null, "ex-2", 2_001));

    // ex-1 was presumed lost but still sends, racing attempt 2.
    producer.send(JobEvent.metric(job, 1, 3, 30, Map.of("train_loss", 0.125), "ex-1", 2_100));
    producer.send(JobEvent.progress(job, 1, 0.9, "ex-1", 2_101));
    JobEvent staleEnd = JobEvent.state(job, 1, JobState.SUCCEEDED, null, "ex-1", 2_102);
    sendAndAwait(staleEnd);
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("RUNNING"),
        "attempt", equalTo(2), "executorId", equalTo("ex-2"), "epoch", equalTo(2),
        "finalMetrics.train_loss", equalTo(0.25f), "progress", equalTo(0.0f));
    Api.as(token).get("/api/v1/jobs/" + job + "/events").then()
        .body("find { it.id == '" + staleEnd.eventId() + "' }.state", equalTo("SUCCEEDED"));

    sendAndAwait(JobEvent.state(job, 2, JobState.FAILED, "out of memory", "ex-2", 3_000));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("FAILED"),
        "statusReason", equalTo("out of memory"), "finishedAt", equalTo("1970-01-01T00:00:03Z"));
    // The stale SUCCEEDED does not end the event stream either (a socket timeout fails the test).
    String stream = Api.as(token).config(io.restassured.RestAssured.config().httpClient(
            io.restassured.config.HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 30_000)))
        .accept("text/event-stream").get("/api/v1/jobs/" + job + "/events")
        .then().statusCode(200).extract().asString();
    org.hamcrest.MatcherAssert.assertThat(stream, org.hamcrest.Matchers.containsString("out of memory"));
    // each event is the SSE fields id, event and data, and nothing else
    for (String line : stream.split("\n")) {
      org.junit.jupiter.api.Assertions.assertTrue(line.isEmpty() || line.matches("(id|event|data):.*"), line);
    }
  }

  @Test
  void unfinishedJobsArePublishedAgainWithTheNextAttempt() {
    try (BusConsumer<JobMessage> reader =
        new BusConsumer<>(bus.bootstrapServers(), JobMessage.class, null, BusConsumer.Start.LATEST)) {
      int republished = jobs.resubmitUnfinished();
      org.junit.jupiter.api.Assertions.assertTrue(republished >= 1);
      JobMessage again = awaitSubmit(reader, job);
      assertEquals(2, again.attempt());
      assertEquals(JobMessage.Type.SUBMIT, again.type());
      org.hamcrest.MatcherAssert.assertThat(again.datasetDir(), org.hamcrest.Matchers.endsWith("/datasets/"
          + Api.as(token).get("/api/v1/jobs/" + job).then().extract().path("datasetId")));
    }
    Api.as(token).get("/api/v1/jobs/" + job).then().body("attempt", equalTo(2), "status", equalTo("QUEUED"));
    Api.as(token).post("/api/v1/jobs/" + job + "/cancel").then().statusCode(202);
  }

  private static JobMessage awaitSubmit(BusConsumer<JobMessage> reader, String jobId) {
    long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      for (Received<JobMessage> r : reader.poll(Duration.ofMillis(200))) {
        seen.add(r.value().jobId());
        if (r.value().jobId().equals(jobId) && r.value().type() == JobMessage.Type.SUBMIT) {
          return r.value();
        }
      }
    }
    throw new AssertionError("no SUBMIT for " + jobId + "; saw " + seen);
  }

  /** Sends {@code event} and waits until the consumer has stored it (and so all before it). */
  private void sendAndAwait(JobEvent event) {
    producer.send(event);
    long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> ids = Api.as(token).get("/api/v1/jobs/" + job + "/events").then().statusCode(200)
          .extract().jsonPath().getList("id", String.class);
      if (ids.contains(event.eventId())) {
        return;
      }
      Api.pause();
    }
    throw new AssertionError("event " + event.eventId() + " was not stored");
  }
}
