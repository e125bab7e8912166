package trainyard.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import trainyard.bus.Assignment;
import trainyard.bus.BusProducer;
import trainyard.bus.Capacity;
import trainyard.bus.EmbeddedKafka;
import trainyard.bus.Gpu;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobState;
import trainyard.bus.Member;
import trainyard.gpu.Devices;
import trainyard.gpu.GpuDevice;

/**
 * An executor offering a GPU that no machine here can open (ordinal 63: without a driver the
 * driver library is missing, with one there is no such device), a real broker, the real driver
 * calls: a job given that GPU fails naming the driver's reason, and the GPU is free again after.
 */
class GpuJobTest {
  private static final int ORDINAL = 63;
  private static Path dir;
  private static Path dataset;
  private static EmbeddedKafka kafka;
  private static BusProducer producer;
  private static Executor executor;
  private static Events<JobEvent> events;
  private static Events<Heartbeat> heartbeats;
  private static final String EXECUTOR = "gpu-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("gpu-job-test");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    producer = new BusProducer(kafka.bootstrapServers(), "test");
    dataset = TestData.dataset(dir.resolve("data/datasets/ds1"), 300, 7);
    events = new Events<>(kafka.bootstrapServers(), JobEvent.class);
    heartbeats = new Events<>(kafka.bootstrapServers(), Heartbeat.class);
    executor = Executor.start(kafka.bootstrapServers(), ExecutorOptions.defaults(EXECUTOR, dir.resolve("data"))
        .withCapacity(new Capacity(4, 0, 4096)).withHeartbeatInterval(Duration.ofMillis(200))
        .withGpus(List.of(new GpuDevice(ORDINAL, "unopenable", 1L << 30, 8, 0))));
  }

  @AfterAll
  static void stop() {
    executor.close();
    events.close();
    heartbeats.close();
    producer.close();
    kafka.close();
  }

  private static String spec(int gpus) {
    return TestData.spec(1, 50).replace("\"gpus\":0", "\"gpus\":" + gpus);
  }

  private static String run(String spec, List<Integer> gpus) throws Exception {
    String jobId = "job-" + UUID.randomUUID();
    Member self = new Member(0, EXECUTOR, null, 0, 0, 2, 0, 1, gpus);
    producer.send(new Assignment(Assignment.Type.RUN, EXECUTOR, jobId, "tenant", spec, dataset.toString(), null, 1,
        List.of(self))).get(10, TimeUnit.SECONDS);
    return jobId;
  }

  private static JobEvent end(String jobId) {
    return events.await(e -> e.jobId().equals(jobId) && e.state() != null && e.state().isTerminal(), jobId + " to end");
  }

  @Test
  void aJobWhoseGpuCannotBeOpenedFailsWithTheDriversReasonAndFreesIt() throws Exception {
    String driverSays = assertThrows(IllegalStateException.class, () -> Devices.require(new int[] {ORDINAL}))
        .getMessage();
    String jobId = run(spec(1), List.of(ORDINAL));

    JobEvent end = end(jobId);
    assertEquals(JobState.FAILED, end.state(), end.toString());
    assertEquals("cannot open GPUs [" + ORDINAL + "] on executor " + EXECUTOR + ": " + driverSays, end.reason());
    events.await(e -> e.jobId().equals(jobId) && e.type() == JobEvent.Type.LOG && e.message().endsWith(", GPUs [63]"),
        "the start line naming the GPUs");
    Heartbeat held = heartbeats.await(h -> h.executorId().equals(EXECUTOR) && h.runningJobs().contains(jobId),
        "a heartbeat listing " + jobId);
    assertEquals(List.of(new Gpu(ORDINAL, "unopenable", 1L << 30, 8, 0, jobId)), held.devices());
    assertEquals(0, held.freeGpus());
    Heartbeat after = heartbeats.await(h -> h.executorId().equals(EXECUTOR) && h.timeMillis() >= end.timeMillis()
        && !h.runningJobs().contains(jobId), "a heartbeat after " + jobId + " ended");
    assertEquals(List.of(new Gpu(ORDINAL, "unopenable", 1L << 30, 8, 0, null)), after.devices());
    assertEquals(1, after.freeGpus());
  }

  @Test
  void aJobGivenAGpuTheExecutorDoesNotOfferOrFewerThanItAsksForFails() throws Exception {
    JobEvent notOffered = end(run(spec(1), List.of(0)));
    assertEquals(JobState.FAILED, notOffered.state());
    assertEquals("executor " + EXECUTOR + " has no GPU 0; it offers [63]", notOffered.reason());

    JobEvent noneGiven = end(run(spec(1), List.of()));
    assertEquals("the job asks for 1 GPU but was given none on executor " + EXECUTOR, noneGiven.reason());
  }

  @Test
  void aJobWithoutGpusRunsOnTheCpuOfAGpuExecutor() throws Exception {
    assertEquals(JobState.SUCCEEDED, end(run(spec(0), List.of())).state());
  }
}
