package trainyard.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.bus.Assignment;
import trainyard.bus.BusProducer;
import trainyard.bus.Capacity;
import trainyard.bus.EmbeddedKafka;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobState;
import trainyard.bus.Member;

/**
 * Two real executors run one job as its two members over their data ports on loopback; the test
 * plays the scheduler. Rank 0 alone reports the job's state; both report their throughput.
 */
class JobOverTwoExecutorsTest {
  private static Path dir;
  private static Path dataset;
  private static EmbeddedKafka kafka;
  private static BusProducer producer;

  private final String a = "a-" + UUID.randomUUID().toString().substring(0, 8);
  private final String b = "b-" + UUID.randomUUID().toString().substring(0, 8);
  private Executor first;
  private Executor second;
  private Events<JobEvent> events;
  private Events<Heartbeat> heartbeats;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("two-executors");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    producer = new BusProducer(kafka.bootstrapServers(), "test");
    dataset = TestData.dataset(dir.resolve("data/datasets/ds2"), 2000, 11);
  }

  @AfterAll
  static void stop() {
    producer.close();
    kafka.close();
  }

  @BeforeEach
  void startExecutors() {
    events = new Events<>(kafka.bootstrapServers(), JobEvent.class);
    heartbeats = new Events<>(kafka.bootstrapServers(), Heartbeat.class);
    first = start(a);
    second = start(b);
  }

  private long startedAt;

  private Executor start(String id) {
    startedAt = System.currentTimeMillis();
    return Executor.start(kafka.bootstrapServers(), ExecutorOptions.defaults(id, dir.resolve("data"))
        .withCapacity(new Capacity(4, 0, 4096)).withHeartbeatInterval(Duration.ofMillis(200))
        .withDataHost("127.0.0.1").withPeerTimeout(Duration.ofSeconds(3)));
  }

  @AfterEach
  void stopExecutors() {
    first.close();
    second.close();
    events.close();
    heartbeats.close();
  }

  private static String spec(int epochs) {
    return "{\"name\":\"two\",\"algorithm\":\"linear\",\"dataset\":\"ds\",\"validation\":{\"fraction\":0.2},"
        + "\"params\":{\"loss\":\"logistic\",\"optimizer\":\"ftrl\",\"learningRate\":0.5,\"epochs\":" + epochs
        + ",\"batchSize\":10},\"resources\":{\"workers\":2,\"servers\":2,\"executors\":2}}";
  }

  /** The data port of {@code executor}'s latest start, from its heartbeats. */
  private int dataPort(String executor) {
    return heartbeats.await(h -> h.executorId().equals(executor) && h.dataPort() > 0 && h.timeMillis() >= startedAt,
        executor + "'s data port").dataPort();
  }

  /** Sends both members their RUN, as the scheduler does. */
  private void place(String jobId, String spec, int attempt) throws Exception {
    List<Member> members = List.of(new Member(0, a, "127.0.0.1", dataPort(a), 0, 1, 0, 1),
        new Member(1, b, "127.0.0.1", dataPort(b), 1, 1, 1, 1));
    for (Member m : members) {
      producer.send(new Assignment(Assignment.Type.RUN, m.executorId(), jobId, "tenant", spec, dataset.toString(),
          null, attempt, members)).get(10, TimeUnit.SECONDS);
    }
  }

  private JobEvent awaitTerminal(String jobId) {
    return events.await(e -> e.jobId().equals(jobId) && e.state() != null && e.state().isTerminal(), jobId + " to end");
  }

  @Test
  void rankZeroReportsTheJobAndBothMembersTheirStats() throws Exception {
    String jobId = "job-" + UUID.randomUUID();
    place(jobId, spec(3), 1);
    JobEvent end = awaitTerminal(jobId);
    assertEquals(JobState.SUCCEEDED, end.state(), "ended " + end);
    assertEquals(a, end.executorId());

    List<JobEvent> all = events.all(e -> e.jobId().equals(jobId));
    assertTrue(all.stream().filter(e -> e.type() == JobEvent.Type.STATE).allMatch(e -> e.executorId().equals(a)),
        "only rank 0 sends states: " + all);
    List<JobEvent> metrics = events.all(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.METRIC);
    assertEquals(3, metrics.size());
    assertTrue(metrics.get(2).metrics().get("val_auc") > 0.8, "val_auc " + metrics.get(2).metrics());
    JobEvent stats = events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.MEMBER
        && Integer.valueOf(1).equals(e.rank()), "rank 1's stats");
    assertEquals(b, stats.executorId());
    assertTrue(stats.metrics().get("bytes_pushed") > 0, "rank 1 pushed to rank 0's shard: " + stats.metrics());
    // Its part lasted about a second: the report held back at its end went out all the same.
    events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.MEMBER && Integer.valueOf(1).equals(e.rank())
        && e.metrics().get("examples_per_sec") > 0, "rank 1's report of its examples/s");
    assertTrue(Files.exists(dir.resolve("data/checkpoints").resolve(jobId)), "kept until the api records the end");
  }

  @Test
  void aMemberThatGoesAwayLosesTheAttemptAndTheNextAttemptResumes() throws Exception {
    String jobId = "job-" + UUID.randomUUID();
    place(jobId, spec(12), 1);
    events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.METRIC && e.epoch() >= 2, "epoch 2");
    second.close(); // its part stops at once: for rank 0, a member gone mid-job
    JobEvent lost = events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.LOG
        && e.executorId().equals(a) && e.message().startsWith("attempt 1 lost"), "rank 0 to lose the attempt");
    assertTrue(lost.message().contains("rank 1"), lost.message());
    assertTrue(events.all(e -> e.jobId().equals(jobId) && e.state() != null && e.state().isTerminal()).isEmpty(),
        "a lost attempt ends in no state: the scheduler places the job again");

    // The scheduler's next attempt, on the same two executors (one restarted).
    heartbeats.await(h -> h.executorId().equals(a) && !h.runningJobs().contains(jobId), "rank 0 to let the job go");
    second = start(b);
    place(jobId, spec(12), 2);
    JobEvent end = awaitTerminal(jobId);
    assertEquals(JobState.SUCCEEDED, end.state(), "ended " + end);
    assertEquals(2, end.attempt());
    assertTrue(events.all(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.LOG && e.attempt() == 2
        && e.message().startsWith("resumed from checkpoint at epoch")).size() == 1, "attempt 2 resumed");
    assertEquals(12, events.all(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.METRIC).stream()
        .mapToInt(JobEvent::epoch).max().orElse(0));
  }
}
