package trainyard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.platform.Bus;
import trainyard.bus.BusConsumer;
import trainyard.bus.BusProducer;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.bus.Received;

/**
 * Reconciliation through the real bus, with the api alone (no scheduler, as when the scheduler is
 * down) and a bound of 3 s: a stand-in executor beats on {@code trainyard.heartbeats} and reports
 * on {@code trainyard.events}. A job its executor lists stays RUNNING however long; one whose
 * terminal event is lost, or whose executor dies, is requeued as the next attempt (its SUBMIT on
 * {@code trainyard.jobs}) with the reason, once the bound has passed and soon after; one its user
 * asked to cancel ends CANCELLED instead, and one whose lost attempts (the scheduler's and the
 * reconciliation's) reach max attempts (3) ends FAILED.
 */
@QuarkusTest
@TestProfile(ReconcileTest.ApiAlone.class)
@WithTestResource(TestStores.class)
class ReconcileTest {
  static final Duration BOUND = Duration.ofSeconds(3);
  /** The bound, one round (a third of it) and the time to read a heartbeat and an event, generously. */
  static final Duration WITHIN = BOUND.plusSeconds(10);

  public static class ApiAlone implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("trainyard.roles", "api", "trainyard.jobs.reconcile-after", BOUND.toSeconds() + "s");
    }
  }

  @Inject Bus bus;

  private BusProducer producer;
  private BusConsumer<JobMessage> submits;
  private ScheduledExecutorService beats;
  private String token;
  private String job;
  private String executor;
  /** What the stand-in executor's heartbeats list; empty once "its job ended". */
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void runningJob() {
    producer = new BusProducer(bus.bootstrapServers(), "reconcile-test");
    submits = new BusConsumer<>(bus.bootstrapServers(), JobMessage.class, null, BusConsumer.Start.LATEST);
    token = Api.newTenant("reconcile");
    String dataset = Api.readyDataset(token, "d", "1 1:1\n0 2:1\n");
    job = Api.as(token).contentType("application/json").body(Api.spec(dataset, ""))
        .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    executor = "ex-" + job;
    running.add(job);
    beats = Executors.newSingleThreadScheduledExecutor();
    beats.scheduleAtFixedRate(() -> producer.send(new Heartbeat(executor, 4, 0, 4096, 2, 0, 2048,
        List.copyOf(running), System.currentTimeMillis(), "s1", null, 0, List.of(),
        running.isEmpty() ? Map.of() : Map.of(job, 1))), 0, 300, TimeUnit.MILLISECONDS);
    Api.sendAndAwait(producer, token, job, JobEvent.state(job, 1, JobState.ASSIGNED, null, executor, 1_000));
    Api.sendAndAwait(producer, token, job, JobEvent.state(job, 1, JobState.RUNNING, null, executor, 1_001));
  }

  @AfterEach
  void close() {
    beats.shutdownNow();
    submits.close();
    producer.close();
  }

  @Test
  void aJobWhoseTerminalEventIsLostIsRequeuedOnceTheBoundHasPassed() throws Exception {
    sleep(BOUND.multipliedBy(2));
    assertEquals("RUNNING", status().getString("status"), "listed by its executor: kept however long");

    running.clear(); // it ended; its SUCCEEDED never reached Kafka
    long stopped = System.nanoTime();
    JsonPath requeued = Api.waitForStatus(token, "/api/v1/jobs/" + job, "QUEUED");
    Duration after = Duration.ofNanos(System.nanoTime() - stopped);
    assertTrue(after.compareTo(BOUND) >= 0 && after.compareTo(WITHIN) <= 0, "requeued after " + after);
    assertEquals(2, requeued.getInt("attempt"));
    assertEquals("no executor has reported running attempt 1 for 3 s (its executor or its terminal state was "
        + "lost); requeued, will resume from checkpoint", requeued.getString("statusReason"));
    awaitSubmit(2); // the next attempt is handed to the scheduler
    assertTrue(events().contains("QUEUED: " + requeued.getString("statusReason")), events().toString());

    // The lost event, should it come after all, changes nothing: its attempt is over.
    Api.sendAndAwait(producer, token, job, JobEvent.state(job, 1, JobState.SUCCEEDED, null, executor, 9_000));
    assertEquals("QUEUED", status().getString("status"));
  }

  @Test
  void aJobWhoseExecutorDiesIsRequeued() throws Exception {
    beats.shutdownNow(); // killed, and no scheduler is there to notice
    JsonPath requeued = Api.waitForStatus(token, "/api/v1/jobs/" + job, "QUEUED");
    assertEquals(2, requeued.getInt("attempt"));
    assertTrue(requeued.getString("statusReason").startsWith("no executor has reported running attempt 1"),
        requeued.getString("statusReason"));
    awaitSubmit(2);
  }

  @Test
  void aRequeueCountsTowardMaxAttemptsWithTheSchedulersAndTheLastEndsFailed() {
    beats.shutdownNow(); // attempt 1 lost: requeued, the first lost attempt of 3
    Api.waitForStatus(token, "/api/v1/jobs/" + job, "QUEUED");
    assertEquals(1, awaitSubmit(2).lostAttempts(), "the scheduler counts on from the api's count");
    // the scheduler places attempt 2, loses its executor and requeues it: the second lost attempt
    Api.sendAndAwait(producer, token, job, JobEvent.state(job, 2, JobState.ASSIGNED, null, executor, 2_000));
    Api.sendAndAwait(producer, token, job, JobEvent.state(job, 3, JobState.QUEUED, "executor lost", null, 2_001));
    Api.sendAndAwait(producer, token, job, JobEvent.state(job, 3, JobState.ASSIGNED, null, executor, 2_002));
    Api.sendAndAwait(producer, token, job, JobEvent.state(job, 3, JobState.RUNNING, null, executor, 2_003));
    JsonPath failed = Api.waitForStatus(token, "/api/v1/jobs/" + job, "FAILED");
    assertEquals("gave up after 3 attempts: no executor has reported running attempt 3 for 3 s (its executor or its "
        + "terminal state was lost)", failed.getString("statusReason"));
    assertEquals(3, failed.getInt("attempt"), "not run again");
  }

  @Test
  void aJobItsUserCancelledEndsCancelledWhenItsExecutorIsGone() {
    Api.as(token).post("/api/v1/jobs/" + job + "/cancel").then().statusCode(202);
    assertEquals("RUNNING", status().getString("status"), "its executor reports CANCELLED");
    beats.shutdownNow(); // ... but dies first
    JsonPath ended = Api.waitForStatus(token, "/api/v1/jobs/" + job, "CANCELLED");
    assertEquals("cancelled: no executor has reported running attempt 1 for 3 s (its executor or its terminal "
        + "state was lost)", ended.getString("statusReason"));
  }

  private JsonPath status() {
    return Api.as(token).get("/api/v1/jobs/" + job).then().statusCode(200).extract().jsonPath();
  }

  /** "STATE: reason" of the job's state events. */
  private List<String> events() {
    JsonPath events = Api.as(token).get("/api/v1/jobs/" + job + "/events").then().statusCode(200).extract().jsonPath();
    List<String> out = new ArrayList<>();
    List<String> states = events.getList("state", String.class);
    List<String> reasons = events.getList("reason", String.class);
    for (int i = 0; i < states.size(); i++) {
      if (states.get(i) != null) {
        out.add(states.get(i) + ": " + reasons.get(i));
      }
    }
    return out;
  }

  private JobMessage awaitSubmit(int attempt) {
    long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      for (Received<JobMessage> r : submits.poll(Duration.ofMillis(200))) {
        if (r.value().jobId().equals(job) && r.value().type() == JobMessage.Type.SUBMIT
            && r.value().attempt() == attempt) {
          return r.value();
        }
      }
    }
    throw new AssertionError("no SUBMIT of " + job + ", attempt " + attempt);
  }

  private static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
