package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.job.JobService;
import trainyard.api.platform.Bus;
import trainyard.bus.BusConsumer;
import trainyard.bus.BusProducer;
import trainyard.bus.Gpu;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.bus.Member;
import trainyard.bus.Received;

/**
 * The event consumer, fed through the real Kafka topic: redelivered events change nothing, a
 * state only moves forward within an attempt, a new attempt starts over, an older attempt
 * changes nothing, and unfinished jobs are re-published on start. Members: the current attempt's
 * ASSIGNED records them, MEMBER events keep each one's latest stats, and a new attempt's
 * placement replaces them.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class EventConsumerTest {
  @Inject Bus bus;
  @TestHTTPResource("/") java.net.URI base;
  @Inject JobService jobs;

  private BusProducer producer;
  private String token;
  private String job;

  @BeforeEach
  void queuedJob() {
    producer = new BusProducer(bus.bootstrapServers(), "event-test");
    token = Api.newTenant("events");
    String dataset = Api.readyDataset(token, "d", "1 1:1\n0 2:1\n");
    job = Api.waitingJob(token, dataset);
  }

  /** Places attempt 1 on ex-1, as the scheduler would: the api takes an executor's events only for the attempt it holds. */
  private void placedOnEx1() {
    sendAndAwait(JobEvent.state(job, 1, JobState.ASSIGNED, null, "ex-1", 500));
  }

  @AfterEach
  void close() {
    producer.close();
  }

  /** The executor pool shows each GPU a heartbeat lists: name, memory, compute capability, its job. */
  @Test
  void anExecutorsGpusAreListedFromItsHeartbeat() {
    String id = "gpu-box-" + job;
    List<Gpu> devices = List.of(new Gpu(0, "NVIDIA H200", 150_754_820_096L, 9, 0, job),
        new Gpu(1, "NVIDIA H200", 150_754_820_096L, 9, 0, null));
    producer.send(new Heartbeat(id, 16, 2, 65_536, 13, 1, 60_000, List.of(job), System.currentTimeMillis(), "s",
        null, 0, devices));
    long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      JsonPath pool = Api.as(token).get("/api/v1/executors").then().statusCode(200).extract().jsonPath();
      String box = "find { it.id == '" + id + "' }";
      if (pool.get(box) != null) {
        assertEquals(2, pool.getInt(box + ".gpus"));
        assertEquals(1, pool.getInt(box + ".freeGpus"));
        assertEquals(List.of(0, 1), pool.getList(box + ".devices.ordinal"));
        assertEquals(List.of("NVIDIA H200", "NVIDIA H200"), pool.getList(box + ".devices.name"));
        assertEquals(List.of(143_771, 143_771), pool.getList(box + ".devices.memoryMb"));
        assertEquals(List.of("9.0", "9.0"), pool.getList(box + ".devices.computeCapability"));
        assertEquals(Arrays.asList(job, null), pool.getList(box + ".devices.jobId"), "GPU 1 is free");
        return;
      }
      Api.pause();
    }
    throw new AssertionError("executor " + id + " was not listed");
  }

  @Test
  void aRedeliveredEventChangesNothing() {
    placedOnEx1();
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

  /** Early stopping keeps epoch 1's model after epoch 2: the job's final metrics are the model's, from its MODEL event. */
  @Test
  void theModelsMetricsAreTheJobsFinalMetrics() {
    placedOnEx1();
    sendAndAwait(JobEvent.metric(job, 1, 1, 10, Map.of("train_loss", 0.5, "val_logloss", 0.47), "ex-1", 1_000));
    sendAndAwait(JobEvent.metric(job, 1, 2, 20, Map.of("train_loss", 0.4, "val_logloss", 0.48), "ex-1", 1_001));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("finalMetrics.val_logloss", equalTo(0.48f));
    sendAndAwait(JobEvent.model(job, 1, "models/" + job + "/model.bin", Map.of("train_loss", 0.5, "val_logloss", 0.47),
        "ex-1", 1_002));
    Api.as(token).get("/api/v1/jobs/" + job).then()
        .body("finalMetrics.val_logloss", equalTo(0.47f), "finalMetrics.train_loss", equalTo(0.5f), "epoch", equalTo(2));
    Api.as(token).get("/api/v1/jobs/" + job + "/metrics").then().body("", hasSize(4)); // the curve keeps both epochs
  }

  @Test
  void aStateOnlyMovesForward() {
    placedOnEx1();
    producer.send(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-1", 2_000));
    sendAndAwait(JobEvent.state(job, 1, JobState.ASSIGNED, null, "ex-1", 1_999)); // late, stale
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("RUNNING"), "executorId", equalTo("ex-1"));

    producer.send(JobEvent.state(job, 1, JobState.FAILED, "out of memory", "ex-1", 3_000));
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-1", 3_001));
    Api.as(token).get("/api/v1/jobs/" + job).then()
        .body("status", equalTo("FAILED"), "statusReason", equalTo("out of memory"), "executorId", equalTo("ex-1"),
            "finishedAt", equalTo("1970-01-01T00:00:03Z"));
  }

  @Test
  void aRequeuedJobShowsQueuedWithItsReasonThenItsNewAttemptRuns() {
    placedOnEx1();
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
    placedOnEx1();
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-1", 1_000));
    sendAndAwait(JobEvent.state(job, 2, JobState.ASSIGNED, null, "ex-2", 1_999));
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
  void anAssignedWithMembersRecordsThemWithTheirShardsAndKeyRanges() {
    Api.as(token).get("/api/v1/jobs/" + job).then().body("members", hasSize(0));
    sendAndAwait(JobEvent.assigned(job, 1, List.of(
        new Member(0, "ex-a", "10.0.0.1", 7001, 0, 2, 0, 1, List.of(0, 3)),
        new Member(1, "ex-b", "10.0.0.2", 7002, 2, 1, 1, 1)), 1_000));
    Api.as(token).get("/api/v1/jobs/" + job).then().statusCode(200)
        .body("status", equalTo("ASSIGNED"), "executorId", equalTo("ex-a"), "members", hasSize(2),
            "members[0].rank", equalTo(0), "members[0].executorId", equalTo("ex-a"),
            "members[0].host", equalTo("10.0.0.1"), "members[0].port", equalTo(7001),
            "members[0].workers.first", equalTo(0), "members[0].workers.count", equalTo(2),
            "members[0].servers.first", equalTo(0), "members[0].servers.count", equalTo(1),
            "members[0].gpus", equalTo(List.of(0, 3)), "members[1].gpus", equalTo(List.of()),
            // uniform(2): the signed 64-bit key space cut in two, bounds as decimal strings
            "members[0].keyRanges", equalTo(List.of(List.of("-9223372036854775808", "-2"))),
            "members[1].keyRanges", equalTo(List.of(List.of("-1", "9223372036854775807"))),
            "members[1].workers.first", equalTo(2), "members[1].servers.first", equalTo(1),
            // no stats yet: present, null
            "members[1]", org.hamcrest.Matchers.hasKey("examplesPerSec"),
            "members[1].examplesPerSec", nullValue(), "members[1].bytesPushed", nullValue(),
            "members[1].updatedAt", org.hamcrest.Matchers.notNullValue());
    // only the job's own page reads members
    Api.as(token).get("/api/v1/jobs").then().body("items.find { it.id == '" + job + "' }",
        org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("members")));
  }

  @Test
  void memberStatsKeepTheLatestAndIgnoreDuplicatesAndOlderEvents() {
    sendAndAwait(JobEvent.assigned(job, 1, List.of(
        new Member(0, "ex-a", "h-a", 7001, 0, 1, 0, 1), new Member(1, "ex-b", "h-b", 7002, 1, 1, 1, 1)), 1_000));
    JobEvent first = JobEvent.member(job, 1, 1, stats(1500.5, 1_000_000, 2_000_000), "ex-b", 2_000);
    producer.send(first);
    producer.send(first);
    sendAndAwait(JobEvent.log(job, 1, "after the stats", "ex-b", 2_001));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("members[1].examplesPerSec", equalTo(1500.5f),
        "members[1].bytesPushed", equalTo(1_000_000), "members[1].bytesPulled", equalTo(2_000_000),
        "members[0].examplesPerSec", nullValue());

    producer.send(JobEvent.member(job, 1, 1, stats(3000, 5_000_000_000L, 6_000_000), "ex-b", 3_000));
    producer.send(first); // redelivered after a newer one
    producer.send(JobEvent.member(job, 1, 1, stats(1, 1, 1), "ex-b", 2_500)); // older, late
    producer.send(JobEvent.member(job, 1, 0, stats(800, 10, 20), "ex-a", 3_000));
    sendAndAwait(JobEvent.log(job, 1, "after more stats", "ex-b", 3_001));
    JsonPath body = Api.as(token).get("/api/v1/jobs/" + job).then().extract().jsonPath();
    assertEquals(3000.0, body.getDouble("members[1].examplesPerSec"));
    assertEquals(5_000_000_000L, body.getLong("members[1].bytesPushed"));
    assertEquals(6_000_000L, body.getLong("members[1].bytesPulled"));
    assertEquals(800.0, body.getDouble("members[0].examplesPerSec"));
    // MEMBER events are not kept with the job's events
    Api.as(token).get("/api/v1/jobs/" + job + "/events").then()
        .body("type", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("MEMBER")));
  }

  @Test
  void aRequeuedJobShowsNoMembersUntilItsNewAttemptIsPlacedThenOnlyThose() {
    sendAndAwait(JobEvent.assigned(job, 1, List.of(new Member(0, "ex-a", "h-a", 7001, 0, 1, 0, 1),
        new Member(1, "ex-b", "h-b", 7002, 1, 1, 1, 1), new Member(2, "ex-c", "h-c", 7003, 2, 1, 2, 1)), 1_000));
    producer.send(JobEvent.member(job, 1, 0, stats(100, 1, 1), "ex-a", 1_500));
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-a", 1_600));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("members", hasSize(3),
        "members[0].examplesPerSec", equalTo(100.0f));

    sendAndAwait(JobEvent.state(job, 2, JobState.QUEUED, "executor ex-b lost", null, 2_000));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("QUEUED"), "members", hasSize(0));

    sendAndAwait(JobEvent.assigned(job, 2, List.of(new Member(0, "ex-a", "h-a", 7001, 0, 2, 0, 1),
        new Member(1, "ex-d", "h-d", 7004, 2, 1, 1, 2)), 2_100));
    // attempt 1's late ASSIGNED and its members' stats change nothing
    producer.send(JobEvent.assigned(job, 1, List.of(new Member(0, "ex-x", "h-x", 1, 0, 1, 0, 1)), 2_200));
    producer.send(JobEvent.member(job, 1, 0, stats(999, 9, 9), "ex-a", 2_300));
    producer.send(JobEvent.member(job, 1, 2, stats(999, 9, 9), "ex-c", 2_300));
    producer.send(JobEvent.member(job, 2, 1, stats(250, 7, 8), "ex-d", 2_400));
    sendAndAwait(JobEvent.log(job, 2, "placed again", "ex-a", 2_500));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("ASSIGNED"), "attempt", equalTo(2),
        "members", hasSize(2), "members.executorId", equalTo(List.of("ex-a", "ex-d")),
        "members[0].workers.count", equalTo(2), "members[1].servers.count", equalTo(2),
        // ex-a ran rank 0 of attempt 1: attempt 2 starts its stats over
        "members[0].examplesPerSec", nullValue(), "members[1].examplesPerSec", equalTo(250.0f),
        "members[1].keyRanges", hasSize(2));
  }

  @Test
  void anMlpJobsMembersHaveNoKeyRanges() {
    String dataset = Api.as(token).get("/api/v1/jobs/" + job).then().extract().path("datasetId");
    String mlp = Api.as(token).contentType("application/json")
        .body("{\"name\": \"m\", \"algorithm\": \"mlp\", \"dataset\": \"" + dataset + "\", " + JobApiTest.UNPLACEABLE + "}")
        .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    JobEvent placed = JobEvent.assigned(mlp, 1, List.of(new Member(0, "ex-a", "h-a", 0, 0, 1, 0, 1)), 1_000);
    producer.send(placed);
    Api.waitFor(() -> !Api.as(token).get("/api/v1/jobs/" + mlp).then().extract().jsonPath().getList("members")
        .isEmpty(), () -> "no members");
    Api.as(token).get("/api/v1/jobs/" + mlp).then().body("members[0].executorId", equalTo("ex-a"),
        "members[0].port", equalTo(0), "members[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("keyRanges")));
    Api.as(token).post("/api/v1/jobs/" + mlp + "/cancel").then().statusCode(202);
  }

  private static Map<String, Double> stats(double examplesPerSec, long pushed, long pulled) {
    return Map.of("examples_per_sec", examplesPerSec, "bytes_pushed", (double) pushed, "bytes_pulled", (double) pulled);
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
  /**
   * The live stream as a client follows it: connected while the job runs, it gets each new event
   * as it is stored; dropped and resumed with Last-Event-ID, it gets every event once, in order,
   * the ones sent while it was away included, and ends after the terminal state.
   */
  @Test
  void aStreamDroppedMidJobResumesWithEveryEventOnceInOrder() {
    // a stream that stops delivering would block its reader: fail instead
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Api.DEADLINE, this::dropAndResume);
  }

  private void dropAndResume() throws Exception {
    placedOnEx1();
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-1", 1_000));
    List<String> seen = new ArrayList<>();
    try (SseConnection first = SseConnection.open(base, token, job, null)) {
      seen.addAll(first.idsUntil(stored().size()));
      JobEvent live = JobEvent.metric(job, 1, 1, 10, Map.of("train_loss", 0.5), "ex-1", 2_000);
      producer.send(live);
      seen.addAll(first.idsUntil(1));
      assertEquals(live.eventId(), seen.get(seen.size() - 1), "the event sent while connected arrives live");
    } // dropped
    sendAndAwait(JobEvent.progress(job, 1, 0.5, "ex-1", 2_001));
    sendAndAwait(JobEvent.metric(job, 1, 2, 20, Map.of("train_loss", 0.25), "ex-1", 2_002));
    try (SseConnection resumed = SseConnection.open(base, token, job, seen.get(seen.size() - 1))) {
      seen.addAll(resumed.idsUntil(2));
      producer.send(JobEvent.state(job, 1, JobState.SUCCEEDED, null, "ex-1", 3_000));
      seen.addAll(resumed.idsToTheEnd());
    }
    assertEquals(stored(), seen);
  }

  private List<String> stored() {
    return Api.as(token).get("/api/v1/jobs/" + job + "/events").then().statusCode(200)
        .extract().jsonPath().getList("id", String.class);
  }

  /** One text/event-stream connection, read line by line; closing it drops the connection. */
  private record SseConnection(java.io.BufferedReader lines, java.io.InputStream body) implements AutoCloseable {
    static SseConnection open(java.net.URI base, String token, String job, String lastEventId) throws Exception {
      java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
              base.resolve("/api/v1/jobs/" + job + "/events"))
          .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      java.net.http.HttpResponse<java.io.InputStream> response = java.net.http.HttpClient.newHttpClient()
          .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, response.statusCode());
      return new SseConnection(new java.io.BufferedReader(new java.io.InputStreamReader(response.body(),
          java.nio.charset.StandardCharsets.UTF_8)), response.body());
    }

    /** The ids of the next {@code count} events; a stream that ends first fails. */
    List<String> idsUntil(int count) throws java.io.IOException {
      List<String> ids = new ArrayList<>();
      while (ids.size() < count) {
        String id = nextId();
        if (id == null) {
          throw new AssertionError("the stream ended after " + ids + "; expected " + count + " events");
        }
        ids.add(id);
      }
      return ids;
    }

    List<String> idsToTheEnd() throws java.io.IOException {
      List<String> ids = new ArrayList<>();
      for (String id = nextId(); id != null; id = nextId()) {
        ids.add(id);
      }
      return ids;
    }

    private String nextId() throws java.io.IOException {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("id:")) {
          return line.substring(3).trim();
        }
      }
      return null;
    }

    @Override
    public void close() throws java.io.IOException {
      body.close();
    }
  }

  private void sendAndAwait(JobEvent event) {
    Api.sendAndAwait(producer, token, job, event);
  }
}
