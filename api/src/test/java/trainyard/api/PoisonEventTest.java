package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.platform.Bus;
import trainyard.api.platform.ConsumerThread;
import trainyard.bus.BusConsumer;
import trainyard.bus.BusProducer;
import trainyard.bus.JobEvent;
import trainyard.bus.JobState;
import trainyard.bus.Member;
import trainyard.bus.Topics;

/**
 * Untrusted events on trainyard.events, through the real topic: one that cannot be stored, one
 * that is not an event at all, one from an executor that does not hold the job's attempt, and a
 * model outside the blob store are each set aside in dead_letters (raw payload, partition,
 * offset, error) and change nothing, and the events after them are applied.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class PoisonEventTest {
  @Inject Bus bus;
  @Inject EntityManager db;

  private BusProducer producer;
  private String token;
  private String job;

  @BeforeEach
  void placedJob() {
    producer = new BusProducer(bus.bootstrapServers(), "poison-test");
    token = Api.newTenant("poison");
    String dataset = Api.readyDataset(token, "d", "1 1:1\n0 2:1\n");
    job = Api.waitingJob(token, dataset);
    sendAndAwait(JobEvent.assigned(job, 1, List.of(new Member(0, "ex-a", "h-a", 7001, 0, 1, 0, 1)), 1_000));
  }

  @AfterEach
  void close() {
    producer.close();
  }

  /** The event: PostgreSQL cannot hold its time ("timestamp out of range"). */
  @Test
  void anEventTheDatabaseRefusesIsSetAsideAndTheNextIsApplied() {
    JobEvent impossible = JobEvent.state(job, 1, JobState.RUNNING, null, "ex-a", 9_000_000_000_000_000_000L);
    producer.send(impossible);
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-a", 2_000));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("RUNNING"),
        "startedAt", equalTo("1970-01-01T00:00:02Z"));
    Object[] letter = deadLetter(impossible.eventId());
    assertTrue(((String) letter[3]).contains("out of range"), (String) letter[3]);
    assertEquals(Topics.EVENTS, letter[0]);
  }

  @Test
  void aMessageThatIsNoEventIsSetAsideWithItsRawBytes() {
    String garbage = "{\"eventId\": \"" + job + "-garbage\", \"not\": \"an event\"";
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(rawProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.EVENTS, job, garbage.getBytes(StandardCharsets.UTF_8)));
    }
    sendAndAwait(JobEvent.log(job, 1, "after the garbage", "ex-a", 2_000));
    Object[] letter = deadLetter(job + "-garbage");
    assertEquals(garbage, new String((byte[]) letter[4], StandardCharsets.UTF_8));
    assertTrue(((Number) letter[2]).longValue() >= 0, "its offset");
  }

  @Test
  void anEventOfAnExecutorThatDoesNotHoldTheAttemptChangesNothing() {
    JobEvent forgedEnd = JobEvent.state(job, 1, JobState.SUCCEEDED, null, "ex-evil", 1_500);
    JobEvent forgedAttempt = JobEvent.state(job, 7, JobState.RUNNING, null, "ex-evil", 1_600);
    JobEvent forgedLog = JobEvent.log(job, 1, "forged line", "ex-evil", 1_700);
    producer.send(forgedEnd);
    producer.send(forgedAttempt);
    producer.send(forgedLog);
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-a", 2_000));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("RUNNING"), "attempt", equalTo(1),
        "executorId", equalTo("ex-a"), "finishedAt", nullValue());
    Api.as(token).get("/api/v1/jobs/" + job + "/events").then()
        .body("id", not(hasItem(forgedEnd.eventId())), "message", not(hasItem("forged line")));
    for (JobEvent forged : List.of(forgedEnd, forgedAttempt, forgedLog)) {
      assertTrue(((String) deadLetter(forged.eventId())[3]).contains("ex-evil does not hold"));
    }
  }

  @Test
  void aModelOutsideTheJobsModelDirectoryIsRefused() {
    JobEvent outside = JobEvent.model(job, 1, "/etc/passwd", null, "ex-a", 1_500);
    JobEvent escaping = JobEvent.model(job, 1, "models/" + job + "/../../../../etc/passwd", null, "ex-a", 1_600);
    producer.send(outside);
    producer.send(escaping);
    sendAndAwait(JobEvent.state(job, 1, JobState.RUNNING, null, "ex-a", 2_000));
    Api.as(token).get("/api/v1/jobs/" + job + "/events").then().body("type", not(hasItem("MODEL")));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("modelId", nullValue());
    for (JobEvent refused : List.of(outside, escaping)) {
      assertTrue(((String) deadLetter(refused.eventId())[3]).contains("outside"));
    }
  }

  /** An Error (here thrown by the handler once) restarts the consumer, which reads on from its position. */
  @Test
  void aConsumerStartsAgainAfterAnError() throws InterruptedException {
    JobEvent first = JobEvent.log(job, 1, "first", "ex-a", 2_000);
    JobEvent second = JobEvent.log(job, 1, "second", "ex-a", 2_001);
    AtomicBoolean failed = new AtomicBoolean();
    List<String> handled = Collections.synchronizedList(new ArrayList<>());
    ConsumerThread<JobEvent> thread = new ConsumerThread<>("restart-test", Duration.ofMillis(100), Duration.ofSeconds(5));
    thread.start(reading("restart-test-" + job), (batch, c) -> {
      for (var r : batch) {
        if (r.value().eventId().equals(first.eventId()) && !failed.getAndSet(true)) {
          throw new OutOfMemoryError("thrown by the test");
        }
        if (r.value().jobId().equals(job)) {
          handled.add(r.value().eventId());
        }
      }
      c.commit();
    });
    try {
      producer.send(first);
      producer.send(second);
      long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
      while (!handled.contains(second.eventId()) && System.nanoTime() < deadline) {
        Api.pause();
      }
      assertTrue(failed.get(), "the handler threw");
      assertTrue(handled.containsAll(List.of(first.eventId(), second.eventId())), "handled " + handled);
    } finally {
      thread.stop();
    }
  }

  /**
   * A handler that cannot finish (its store keeps failing) and is stopped leaves its batch
   * uncommitted: the next start reads the event again, instead of the stop committing past it.
   */
  @Test
  void aStopWhileRetryingLeavesTheEventToTheNextStart() throws InterruptedException {
    JobEvent event = JobEvent.log(job, 1, "retried across a stop", "ex-a", 3_000);
    String group = "retry-stop-test-" + job;
    java.util.concurrent.CountDownLatch retrying = new java.util.concurrent.CountDownLatch(1);
    ConsumerThread<JobEvent> first = new ConsumerThread<>("retry-stop-1", Duration.ofMillis(100), Duration.ofSeconds(5));
    first.start(reading(group), (batch, c) -> {
      for (var r : batch) {
        while (r.value().eventId().equals(event.eventId())) { // a store that never succeeds
          retrying.countDown();
          first.retryAfter(50);
        }
      }
      c.commit();
    });
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    ConsumerThread<JobEvent> second = new ConsumerThread<>("retry-stop-2", Duration.ofMillis(100), Duration.ofSeconds(5));
    try {
      producer.send(event);
      assertTrue(retrying.await(Api.DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "it retried");
      first.stop();
      second.start(reading(group), (batch, c) -> {
        batch.forEach(r -> seen.add(r.value().eventId()));
        c.commit();
      });
      long deadline = System.nanoTime() + Api.DEADLINE.toNanos();
      while (!seen.contains(event.eventId()) && System.nanoTime() < deadline) {
        Api.pause();
      }
      assertTrue(seen.contains(event.eventId()), "read again after the stop");
    } finally {
      first.stop();
      second.stop();
    }
  }

  /**
   * Stopping a reader closes its consumer quietly: the thread is not interrupted, so Kafka does
   * not log an ERROR ("Failed to close fetcher") for every consumer at each shutdown.
   */
  @Test
  void stopClosesTheConsumerWithoutAnError() throws InterruptedException {
    List<java.util.logging.LogRecord> errors = Collections.synchronizedList(new ArrayList<>());
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
          errors.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger kafka = java.util.logging.Logger.getLogger("org.apache.kafka");
    kafka.addHandler(capture);
    try {
      java.util.concurrent.CountDownLatch polled = new java.util.concurrent.CountDownLatch(1);
      ConsumerThread<JobEvent> thread = new ConsumerThread<>("quiet-stop-test", Duration.ofMillis(100), Duration.ofSeconds(5));
      thread.start(reading("quiet-stop-test-" + job), (batch, c) -> polled.countDown());
      assertTrue(polled.await(Api.DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "it polled");
      thread.stop();
      assertTrue(errors.isEmpty(), () -> "logged while stopping: " + errors.stream()
          .map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
    } finally {
      kafka.removeHandler(capture);
    }
  }

  /** Opens consumers of the job events in group {@code group}, from its committed position. */
  private java.util.function.Supplier<BusConsumer<JobEvent>> reading(String group) {
    return () -> new BusConsumer<>(bus.bootstrapServers(), JobEvent.class, group, BusConsumer.Start.COMMITTED_OR_EARLIEST);
  }

  /** The dead letter whose payload holds {@code text}: topic, partition, offset, error, payload. */
  private Object[] deadLetter(String text) {
    List<?> rows = QuarkusTransaction.requiringNew().call(() -> db.createNativeQuery(
            "SELECT topic, kafka_partition, kafka_offset, error, payload FROM dead_letters"
                + " WHERE position(CAST(?1 AS bytea) IN payload) > 0")
        .setParameter(1, text.getBytes(StandardCharsets.UTF_8)).getResultList());
    assertEquals(1, rows.size(), "dead letters holding " + text);
    return (Object[]) rows.get(0);
  }

  private Properties rawProps() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bus.bootstrapServers());
    return props;
  }

  /** Sends {@code event} and waits until the consumer has stored it (and so all before it). */
  private void sendAndAwait(JobEvent event) {
    Api.sendAndAwait(producer, token, job, event);
  }

}
