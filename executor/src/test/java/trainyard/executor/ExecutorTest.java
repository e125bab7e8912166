package trainyard.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import trainyard.engine.data.Format;
import trainyard.engine.data.Parsers;
import trainyard.engine.model.Model;

/** One real executor, a real broker and the real engine; the test plays the scheduler. */
class ExecutorTest {
  private static Path dir;
  private static Path dataset;
  private static EmbeddedKafka kafka;
  private static BusProducer producer;

  private Executor executor;
  private Events<JobEvent> events;
  private Events<Heartbeat> heartbeats;
  private final String executorId = "e-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("executor-test");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    producer = new BusProducer(kafka.bootstrapServers(), "test");
    dataset = TestData.dataset(dir.resolve("data/datasets/ds1"), 500, 7);
  }

  @AfterAll
  static void stop() {
    producer.close();
    kafka.close();
  }

  @BeforeEach
  void startExecutor() {
    events = new Events<>(kafka.bootstrapServers(), JobEvent.class);
    heartbeats = new Events<>(kafka.bootstrapServers(), Heartbeat.class);
    executor = Executor.start(kafka.bootstrapServers(), ExecutorOptions.defaults(executorId, dir.resolve("data"))
        .withCapacity(new Capacity(4, 0, 4096)).withHeartbeatInterval(Duration.ofMillis(200)));
  }

  @AfterEach
  void stopExecutor() {
    executor.close();
    events.close();
    heartbeats.close();
  }

  private static final int ATTEMPT = 3;

  private String runJob(String spec, String datasetDir) throws Exception {
    String jobId = "job-" + UUID.randomUUID();
    run(jobId, spec, datasetDir, ATTEMPT);
    return jobId;
  }

  private void run(String jobId, String spec, String datasetDir, int attempt) throws Exception {
    producer.send(new Assignment(Assignment.Type.RUN, executorId, jobId, "tenant", spec, datasetDir, null, attempt, null))
        .get(10, TimeUnit.SECONDS);
  }

  /** The engine's memory estimate for TestData.spec(3, 50) on the test's dataset, in MiB, rounded up. */
  private static long estimateMb() throws java.io.IOException {
    return trainyard.engine.train.MemoryEstimate.megabytesPerMember(
        trainyard.spec.JobSpec.parse(TestData.spec(3, 50)), trainyard.engine.data.ShardedDataset.open(dataset).stats(), 1);
  }

  private JobEvent awaitState(String jobId, JobState state) {
    return events.await(e -> e.jobId().equals(jobId) && e.state() == state, jobId + " " + state);
  }

  private JobEvent awaitTerminal(String jobId) {
    return events.await(e -> e.jobId().equals(jobId) && e.state() != null && e.state().isTerminal(),
        jobId + " to end");
  }

  @Test
  void aJobRunAgainAfterItsSuccessWasLostEndsFromItsFinalCheckpointWithoutTraining() throws Exception {
    String spec = TestData.spec(3, 50);
    String jobId = runJob(spec, dataset.toString());
    assertEquals(JobState.SUCCEEDED, awaitTerminal(jobId).state());
    heartbeats.await(h -> h.executorId().equals(executorId) && !h.runningJobs().contains(jobId), jobId + " let go");

    run(jobId, spec, dataset.toString(), ATTEMPT + 1); // its SUCCEEDED was lost: the api's reconciliation requeued it
    JobEvent again = events.await(e -> e.jobId().equals(jobId) && e.attempt() == ATTEMPT + 1 && e.state() != null
        && e.state().isTerminal(), jobId + " to end again");
    assertEquals(JobState.SUCCEEDED, again.state(), "ended " + again);
    List<JobEvent> second = events.all(e -> e.jobId().equals(jobId) && e.attempt() == ATTEMPT + 1);
    assertTrue(second.stream().noneMatch(e -> e.type() == JobEvent.Type.METRIC), "no epoch trained again: " + second);
    assertTrue(second.stream().anyMatch(e -> e.type() == JobEvent.Type.LOG
        && e.message().startsWith("resumed from checkpoint at epoch 4")), "resumed after its last epoch: " + second);
    assertTrue(second.stream().anyMatch(e -> e.type() == JobEvent.Type.MODEL), "the model is reported again");
  }

  @Test
  void runsAJobAndReportsStateMetricsProgressLogsAndTheModel() throws Exception {
    String jobId = runJob(TestData.spec(3, 50), dataset.toString());
    JobEvent end = awaitTerminal(jobId);
    assertEquals(JobState.SUCCEEDED, end.state(), "ended " + end);

    List<JobEvent> all = events.all(e -> e.jobId().equals(jobId));
    assertEquals(JobState.RUNNING, all.get(0).state());
    for (JobEvent e : all) {
      assertEquals(ATTEMPT, e.attempt(), "the assignment's attempt on " + e);
    }
    List<JobEvent> metrics = events.all(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.METRIC);
    assertEquals(3, metrics.size());
    for (int i = 0; i < 3; i++) {
      JobEvent m = metrics.get(i);
      assertEquals(i + 1, m.epoch());
      assertTrue(m.step() > 0);
      for (String name : List.of("train_loss", "val_logloss", "val_auc", "examples_per_sec")) {
        assertNotNull(m.metrics().get(name), name + " missing from " + m.metrics());
      }
      assertEquals(executorId, m.executorId());
    }
    assertTrue(metrics.get(2).metrics().get("val_auc") > 0.8, "val_auc " + metrics.get(2).metrics());
    assertTrue(metrics.get(2).metrics().get("train_loss") < metrics.get(0).metrics().get("train_loss"),
        "train_loss should fall: " + metrics);
    assertFalse(events.all(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.PROGRESS).isEmpty());
    assertFalse(events.all(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.LOG).isEmpty());

    JobEvent model = events.all(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.MODEL).get(0);
    Path modelFile = Path.of(model.modelPath());
    assertEquals(dir.resolve("data/models").resolve(jobId).resolve("model.bin").toAbsolutePath().normalize(), modelFile);
    float[] p = Model.load(modelFile).predict(Parsers.parse(
        new StringReader("1 1:1 2:1 3:1 4:1 5:1\n0 46:1 47:1 48:1 49:1 50:1\n"), Format.LIBSVM, 0));
    assertTrue(p[0] > 0.5 && p[1] < 0.5, "predictions " + p[0] + ", " + p[1]);
    assertEquals(all.indexOf(end), all.size() - 1, "the terminal state comes last: " + all);

    Set<String> ids = new HashSet<>();
    for (JobEvent e : all) {
      assertTrue(ids.add(e.eventId()), "duplicate event id " + e.eventId());
    }
    assertTrue(Files.exists(dir.resolve("data/checkpoints").resolve(jobId)),
        "checkpoints stay after success: the api deletes them once it has recorded the end");

    // The executor listed the job and its attempt while it ran, and frees its room when it ends.
    long demandMb = estimateMb();
    heartbeats.await(h -> h.executorId().equals(executorId) && h.runningJobs().contains(jobId)
        && h.attemptOf(jobId) == ATTEMPT && h.freeCores() == 1 && h.freeMemoryMb() == 4096 - demandMb, "a heartbeat listing " + jobId);
    heartbeats.await(h -> h.executorId().equals(executorId) && h.runningJobs().isEmpty() && h.freeCores() == 4
        && h.timeMillis() >= end.timeMillis(), "a heartbeat after " + jobId + " ended");
  }

  @Test
  void cancelStopsARunningJob() throws Exception {
    String jobId = runJob(TestData.spec(10_000, 10), dataset.toString());
    events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.METRIC, "a metric of " + jobId);
    producer.send(Assignment.cancel(executorId, jobId, "tenant")).get(10, TimeUnit.SECONDS);
    JobEvent end = awaitTerminal(jobId);
    assertEquals(JobState.CANCELLED, end.state());
    assertEquals("cancelled by the user", end.reason());
    assertTrue(events.all(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.MODEL).isEmpty());
  }

  @Test
  void aMissingDatasetFailsTheJobWithTheReason() throws Exception {
    Path missing = dir.resolve("data/datasets/nowhere");
    String jobId = runJob(TestData.spec(1, 50), missing.toString());
    JobEvent end = awaitTerminal(jobId);
    assertEquals(JobState.FAILED, end.state());
    assertTrue(end.reason().contains(missing.toString()), end.reason());
  }

  @Test
  void anInvalidSpecFailsTheJobWithTheReason() throws Exception {
    String jobId = runJob("{\"name\":\"x\",\"algorithm\":\"boosting\",\"dataset\":\"d\"}", dataset.toString());
    JobEvent end = awaitTerminal(jobId);
    assertEquals(JobState.FAILED, end.state());
    assertTrue(end.reason().startsWith("invalid job spec: ") && end.reason().contains("boosting"), end.reason());
  }

  @Test
  void assignmentsForOtherExecutorsAreIgnored() throws Exception {
    String jobId = "job-" + UUID.randomUUID();
    producer.send(new Assignment(Assignment.Type.RUN, "someone-else", jobId, "t", TestData.spec(1, 50),
        dataset.toString(), null, 1, null)).get(10, TimeUnit.SECONDS);
    String mine = runJob(TestData.spec(1, 50), dataset.toString());
    assertEquals(JobState.SUCCEEDED, awaitTerminal(mine).state());
    assertTrue(events.all(e -> e.jobId().equals(jobId)).isEmpty());
  }
  /**
   * The models' filesystem full when the job saves its model: the attempt is lost, not the job
   * (no terminal state; the scheduler runs it again), and the next attempt, with room again,
   * ends from the final checkpoint. Needs root for a small tmpfs.
   */
  @Test
  void aJobThatMeetsAFullDiskLosesItsAttemptNotItsLife() throws Exception {
    Path models = dir.resolve("data/models");
    Files.createDirectories(models);
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", models.toString())
        .redirectErrorStream(true).start();
    String said = new String(mount.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0,
        "skipped: no small filesystem can be mounted here to fill (needs root): " + said.trim());
    try {
      Path ballast = models.resolve("ballast");
      try (java.io.OutputStream out = Files.newOutputStream(ballast)) {
        while (true) {
          out.write(new byte[4096]);
        }
      } catch (java.io.IOException full) {
        assertTrue(trainyard.engine.io.DiskFull.causedBy(full), "filled: " + full);
      }
      String spec = TestData.spec(3, 50);
      String jobId = runJob(spec, dataset.toString());
      JobEvent lost = events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.MEMBER
          && e.reason() != null, jobId + " to lose its attempt");
      assertTrue(lost.reason().startsWith("the disk of executor " + executorId + " is full (")
          && lost.reason().contains("No space left on device"), lost.reason());
      heartbeats.await(h -> h.executorId().equals(executorId) && !h.runningJobs().contains(jobId)
          && h.timeMillis() > lost.timeMillis(), jobId + " let go");
      assertTrue(events.all(e -> e.jobId().equals(jobId) && e.state() != null && e.state().isTerminal()).isEmpty(),
          "no terminal state: the job is not over");

      Files.delete(ballast);
      run(jobId, spec, dataset.toString(), ATTEMPT + 1);
      JobEvent end = events.await(e -> e.jobId().equals(jobId) && e.attempt() == ATTEMPT + 1 && e.state() != null
          && e.state().isTerminal(), jobId + " to end");
      assertEquals(JobState.SUCCEEDED, end.state(), "ended " + end);
      assertTrue(events.all(e -> e.jobId().equals(jobId) && e.attempt() == ATTEMPT + 1
          && e.type() == JobEvent.Type.METRIC).isEmpty(), "resumed from its final checkpoint, nothing trained again");
    } finally {
      new ProcessBuilder("umount", "-l", models.toString()).inheritIO().start().waitFor();
    }
  }
}
