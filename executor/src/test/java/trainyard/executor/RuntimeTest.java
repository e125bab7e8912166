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
import trainyard.bus.BusProducer;
import trainyard.bus.Capacity;
import trainyard.bus.EmbeddedKafka;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.scheduler.Scheduler;
import trainyard.scheduler.SchedulerOptions;

/** The job's whole trip: api's message → scheduler → executor → events, on a real broker. */
class RuntimeTest {
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofMillis(1500);
  private static Path dir;
  private static Path dataset;
  private static EmbeddedKafka kafka;
  private static BusProducer producer;
  private static Scheduler scheduler;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<Executor> executors = new java.util.ArrayList<>();
  private final List<String> submitted = new java.util.ArrayList<>();
  private Events<JobEvent> events;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("runtime-test");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    producer = new BusProducer(kafka.bootstrapServers(), "api");
    dataset = TestData.dataset(dir.resolve("data/datasets/ds1"), 500, 11);
    scheduler = Scheduler.start(kafka.bootstrapServers(), SchedulerOptions.defaults()
        .withHeartbeatTimeout(HEARTBEAT_TIMEOUT).withTickInterval(Duration.ofMillis(100)).withSettle(Duration.ZERO));
  }

  @AfterAll
  static void stop() {
    scheduler.close();
    producer.close();
    kafka.close();
  }

  @BeforeEach
  void listen() {
    events = new Events<>(kafka.bootstrapServers(), JobEvent.class);
  }

  /** Closes this test's executors and waits until the scheduler has let them go. */
  @AfterEach
  void closeExecutors() throws Exception {
    // A job a failed test left behind must not run in the next test.
    for (String jobId : submitted) {
      producer.send(JobMessage.cancel(jobId, "tenant")).get(10, TimeUnit.SECONDS);
    }
    for (Executor e : executors) {
      e.close();
    }
    events.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!scheduler.executors().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "executors still known: " + scheduler.executors().keySet());
      Thread.sleep(50);
    }
  }

  /** Starts an executor and waits until the scheduler has its first heartbeat. */
  private Executor executor(String name) throws InterruptedException {
    Executor e = Executor.start(kafka.bootstrapServers(),
        ExecutorOptions.defaults(name + "-" + run, dir.resolve("data"))
            .withCapacity(new Capacity(4, 0, 4096)).withHeartbeatInterval(Duration.ofMillis(200)));
    executors.add(e);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!scheduler.executors().containsKey(e.id())) {
      assertTrue(System.nanoTime() < deadline, "the scheduler never heard of " + e.id());
      Thread.sleep(20);
    }
    return e;
  }

  private String submit(String spec) throws Exception {
    String jobId = "job-" + UUID.randomUUID();
    submitted.add(jobId);
    producer.send(JobMessage.submit(jobId, "tenant", spec, 0, System.currentTimeMillis(), dataset.toString(), null, 1, 0))
        .get(10, TimeUnit.SECONDS);
    return jobId;
  }

  private JobEvent await(String jobId, JobEvent.Type type, JobState state, String executorId) {
    return events.await(e -> e.jobId().equals(jobId) && e.type() == type && (state == null || e.state() == state)
        && (executorId == null || executorId.equals(e.executorId())),
        jobId + " " + type + " " + state + " @" + executorId);
  }

  @Test
  void aSubmittedJobIsPlacedRunAndSucceeds() throws Exception {
    Executor e1 = executor("e1");
    String jobId = submit(TestData.spec(2, 50));
    await(jobId, JobEvent.Type.STATE, JobState.ASSIGNED, e1.id());
    await(jobId, JobEvent.Type.STATE, JobState.RUNNING, e1.id());
    await(jobId, JobEvent.Type.METRIC, null, e1.id());
    await(jobId, JobEvent.Type.MODEL, null, e1.id());
    await(jobId, JobEvent.Type.STATE, JobState.SUCCEEDED, e1.id());
  }

  @Test
  void aJobWhoseExecutorIsLostRunsAgainElsewhereAndCanBeCancelledThere() throws Exception {
    Executor e1 = executor("e1");
    String jobId = submit(TestData.spec(10_000, 10));
    // Epoch 1's checkpoint is written before epoch 2 starts.
    JobEvent before = events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.METRIC
        && e.epoch() >= 2, "epoch 2 of " + jobId);
    Executor e2 = executor("e2");

    e1.close();
    JobEvent queued = await(jobId, JobEvent.Type.STATE, JobState.QUEUED, null);
    assertEquals("executor " + e1.id() + " lost; will resume from checkpoint", queued.reason());
    assertEquals(2, queued.attempt());
    await(jobId, JobEvent.Type.STATE, JobState.ASSIGNED, e2.id());
    assertEquals(2, await(jobId, JobEvent.Type.STATE, JobState.RUNNING, e2.id()).attempt());
    JobEvent resumed = events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.LOG
        && e2.id().equals(e.executorId()) && e.message().startsWith("resumed from checkpoint at epoch "),
        "a resume on " + e2.id());
    // The closing executor checkpointed where it stopped, within an epoch: e2 goes on from there.
    int resumedAt = Integer.parseInt(resumed.message().split(" ")[5].replace(",", ""));
    assertTrue(resumedAt >= before.epoch(), "resumed in epoch " + resumedAt + ", saw epoch " + before.epoch() + " end");
    JobEvent firstOnE2 = await(jobId, JobEvent.Type.METRIC, null, e2.id());
    assertEquals(resumedAt, firstOnE2.epoch());
    assertTrue(events.all(e -> e.jobId().equals(jobId) && e.state() != null && e.state().isTerminal()).isEmpty(),
        "a job stopped by a closing executor has no terminal state");
    await(jobId, JobEvent.Type.LOG, null, e1.id());

    producer.send(JobMessage.cancel(jobId, "tenant")).get(10, TimeUnit.SECONDS);
    JobEvent end = await(jobId, JobEvent.Type.STATE, JobState.CANCELLED, e2.id());
    assertEquals("cancelled by the user", end.reason());
  }

  @Test
  void anExecutorRestartedUnderTheSameIdResumesItsJob() throws Exception {
    Executor first = executor("e1");
    String jobId = submit(TestData.spec(10_000, 10));
    events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.METRIC && e.epoch() >= 2,
        "epoch 2 of " + jobId);
    first.close();
    Executor second = executor("e1");

    JobEvent queued = await(jobId, JobEvent.Type.STATE, JobState.QUEUED, null);
    assertEquals("executor " + second.id() + " restarted; will resume from checkpoint", queued.reason());
    events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.LOG
        && e.message().startsWith("resumed from checkpoint at epoch "), "a resume of " + jobId);
    assertEquals(List.of(jobId), second.runningJobs());

    producer.send(JobMessage.cancel(jobId, "tenant")).get(10, TimeUnit.SECONDS);
    await(jobId, JobEvent.Type.STATE, JobState.CANCELLED, second.id());
  }
}
