package trainyard.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.bus.Assignment;
import trainyard.bus.BusConsumer;
import trainyard.bus.BusProducer;
import trainyard.bus.EmbeddedKafka;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.bus.Received;
import trainyard.bus.Topics;

/**
 * The scheduler against a real broker; the test plays the executors by sending their heartbeats
 * and reading their assignments.
 */
class SchedulerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static Path dir;
  private static EmbeddedKafka kafka;
  private static BusProducer producer;

  private final ManualClock clock = new ManualClock(1_000_000);
  private Scheduler scheduler;
  private BusConsumer<JobEvent> events;
  private BusConsumer<Assignment> assignments;
  private final List<JobEvent> unmatchedEvents = new ArrayList<>();
  private final List<Assignment> unmatchedAssignments = new ArrayList<>();
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startKafka() throws Exception {
    dir = Files.createTempDirectory("scheduler-test");
    kafka = EmbeddedKafka.start(dir);
    producer = new BusProducer(kafka.bootstrapServers(), "test");
  }

  @AfterAll
  static void stopKafka() {
    producer.close();
    kafka.close();
  }

  @BeforeEach
  void startScheduler() {
    String group = "scheduler-" + run;
    skipEarlierJobs(group);
    events = new BusConsumer<>(kafka.bootstrapServers(), JobEvent.class, null, BusConsumer.Start.LATEST);
    assignments = new BusConsumer<>(kafka.bootstrapServers(), Assignment.class, null, BusConsumer.Start.LATEST);
    scheduler = Scheduler.start(kafka.bootstrapServers(), SchedulerOptions.defaults()
        .withGroupId(group).withHeartbeatTimeout(TIMEOUT).withTickInterval(Duration.ofMillis(50))
        .withSettle(Duration.ZERO).withClock(clock));
  }

  @AfterEach
  void stopScheduler() {
    scheduler.close();
    events.close();
    assignments.close();
  }

  /** Earlier tests' jobs stay on the shared topic; this test's scheduler starts after them. */
  private static void skipEarlierJobs(String group) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition p = new TopicPartition(Topics.JOBS, 0);
      c.assign(Set.of(p));
      c.seekToEnd(Set.of(p));
      c.commitSync(java.util.Map.of(p, new OffsetAndMetadata(c.position(p))));
    }
  }

  private String id(String name) {
    return name + "-" + run;
  }

  /** {@code submittedAt}: milliseconds after the scheduler's clock, so no job here is old enough to keep an executor. */
  private void submit(String job, int workers, int priority, long submittedAt) throws Exception {
    JobMessage m = SchedulerCoreTest.job(id(job), workers, priority, clock.millis() + submittedAt);
    producer.send(m).get(10, TimeUnit.SECONDS);
  }

  private void beat(String executor, int cores, int freeCores, String... running) throws Exception {
    String[] ids = new String[running.length];
    for (int i = 0; i < running.length; i++) {
      ids[i] = id(running[i]);
    }
    Heartbeat h = SchedulerCoreTest.beat(id(executor), cores, freeCores, clock.millis(), ids);
    producer.send(h).get(10, TimeUnit.SECONDS);
  }

  private JobEvent awaitState(String job, JobState state, String reason) {
    return await(events, unmatchedEvents, e -> e.jobId().equals(id(job)) && e.state() == state
        && (reason == null || reason.equals(e.reason())), job + " " + state + " " + reason);
  }

  private Assignment awaitAssignment(Assignment.Type type, String job, String executor) {
    return await(assignments, unmatchedAssignments, a -> a.type() == type && a.jobId().equals(id(job))
        && a.executorId().equals(id(executor)), type + " " + job + " @" + executor);
  }

  /**
   * Finds a message that matches among those read but not yet matched, else reads until one
   * does; fails with everything seen if none does in 20 s.
   */
  private static <T> T await(BusConsumer<T> consumer, List<T> unmatched, Predicate<T> match, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int checked = 0;
    while (true) {
      for (; checked < unmatched.size(); checked++) {
        if (match.test(unmatched.get(checked))) {
          return unmatched.remove(checked);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within 20 s; saw " + unmatched);
      }
      for (Received<T> r : consumer.poll(Duration.ofMillis(100))) {
        unmatched.add(r.value());
      }
    }
  }

  @Test
  void placesByPriorityThenAgeAndSaysWhyTheRestWait() throws Exception {
    submit("low-old", 2, 0, 1);
    submit("high-new", 2, 5, 3);
    submit("high-old", 2, 5, 2);
    awaitState("high-old", JobState.QUEUED, "no executor is connected");
    assertEquals(List.of(id("high-old"), id("high-new"), id("low-old")), scheduler.queuedJobs());

    beat("e1", 4, 4);
    Assignment first = awaitAssignment(Assignment.Type.RUN, "high-old", "e1");
    assertEquals(SchedulerCoreTest.job(id("high-old"), 2, 5, 2).specJson(), first.specJson());
    assertEquals(id("e1"), awaitState("high-old", JobState.ASSIGNED, null).executorId());
    awaitState("high-new", JobState.QUEUED, "no executor has 3 free cores; largest free: 1");

    beat("e1", 4, 1, "high-old");
    beat("e1", 4, 4);
    awaitAssignment(Assignment.Type.RUN, "high-new", "e1");
    beat("e1", 4, 1, "high-new");
    beat("e1", 4, 4);
    awaitAssignment(Assignment.Type.RUN, "low-old", "e1");
  }

  @Test
  void cancelsAQueuedJobAndForwardsCancelForAPlacedOne() throws Exception {
    submit("big", 7, 0, 1);
    beat("e1", 4, 4);
    awaitState("big", JobState.QUEUED, "no executor is large enough: needs 8 cores; largest has 4");
    producer.send(JobMessage.cancel(id("big"), "tenant")).get(10, TimeUnit.SECONDS);
    awaitState("big", JobState.CANCELLED, "cancelled while queued");
    assertEquals(List.of(), scheduler.queuedJobs());

    submit("small", 1, 0, 2);
    awaitAssignment(Assignment.Type.RUN, "small", "e1");
    beat("e1", 4, 2, "small");
    producer.send(JobMessage.cancel(id("small"), "tenant")).get(10, TimeUnit.SECONDS);
    awaitAssignment(Assignment.Type.CANCEL, "small", "e1");
  }

  @Test
  void aLostExecutorsJobIsRequeuedAndPlacedOnAnother() throws Exception {
    beat("e1", 4, 4);
    submit("j", 2, 0, 1);
    awaitAssignment(Assignment.Type.RUN, "j", "e1");
    beat("e1", 4, 1, "j");
    awaitUntil(() -> scheduler.executors().get(id("e1")).runningJobs().contains(id("j")));

    clock.advance(TIMEOUT.toMillis() + 1);
    JobEvent requeued = awaitState("j", JobState.QUEUED, "executor " + id("e1") + " lost; will resume from checkpoint");
    assertEquals(2, requeued.attempt());
    beat("e2", 4, 4);
    Assignment again = awaitAssignment(Assignment.Type.RUN, "j", "e2");
    assertEquals(2, again.attempt());

    beat("e1", 4, 1, "j");
    awaitAssignment(Assignment.Type.RELEASE, "j", "e1");
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 20 s");
      Thread.sleep(20);
    }
  }

  @Test
  void aGangRunsOnEveryMemberAndEndsWithItsTerminalStateFromTheEventsTopic() throws Exception {
    for (String e : List.of("p1", "p2")) {
      producer.send(SchedulerCoreTest.peerBeat(id(e), 4, 4, clock.millis())).get(10, TimeUnit.SECONDS);
    }
    JobMessage gang = SchedulerCoreTest.gangJob(id("g"), 2, 2, 2, clock.millis());
    producer.send(gang).get(10, TimeUnit.SECONDS);
    Assignment first = awaitAssignment(Assignment.Type.RUN, "g", "p1");
    Assignment second = awaitAssignment(Assignment.Type.RUN, "g", "p2");
    assertEquals(first.members(), second.members());
    assertEquals(first.members(), awaitState("g", JobState.ASSIGNED, null).members());
    for (String e : List.of("p1", "p2")) {
      producer.send(SchedulerCoreTest.peerBeat(id(e), 4, 2, clock.millis(), id("g"))).get(10, TimeUnit.SECONDS);
    }
    awaitUntil(() -> scheduler.executors().get(id("p2")).runningJobs().contains(id("g")));
    assertEquals(List.of(id("p1"), id("p2")), scheduler.membersOf(id("g")));

    // member 1 stops first; rank 0 reports SUCCEEDED, then stops: the job ended, nothing is requeued
    producer.send(SchedulerCoreTest.peerBeat(id("p2"), 4, 4, clock.millis())).get(10, TimeUnit.SECONDS);
    producer.send(JobEvent.state(id("g"), 1, JobState.SUCCEEDED, null, id("p1"), clock.millis())).get(10, TimeUnit.SECONDS);
    producer.send(SchedulerCoreTest.peerBeat(id("p1"), 4, 4, clock.millis())).get(10, TimeUnit.SECONDS);
    awaitUntil(() -> scheduler.membersOf(id("g")).isEmpty());
    assertEquals(List.of(), scheduler.queuedJobs());
  }
}
