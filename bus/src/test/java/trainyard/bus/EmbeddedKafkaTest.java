package trainyard.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
  @TempDir Path dir;

  @Test
  void lagCountsWhatAReaderHasNotReadAndFailsWhenKafkaIsGone() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir);
    try (BusProducer producer = new BusProducer(kafka.bootstrapServers(), "test");
         BusConsumer<JobEvent> events = new BusConsumer<>(kafka.bootstrapServers(), JobEvent.class, "lag",
             BusConsumer.Start.COMMITTED_OR_EARLIEST)) {
      assertEquals(0, events.lag(Duration.ofSeconds(10)));
      for (int i = 0; i < 3; i++) {
        producer.send(JobEvent.log("job-1", 1, "line " + i, null, i)).get(10, TimeUnit.SECONDS);
      }
      assertEquals(3, events.lag(Duration.ofSeconds(10)));
      pollUntil(events, 3);
      assertEquals(0, events.lag(Duration.ofSeconds(10)));

      kafka.close();
      assertThrows(org.apache.kafka.common.errors.TimeoutException.class, () -> events.lag(Duration.ofSeconds(1)));
    } finally {
      kafka.close();
    }
  }

  @Test
  void messagesRoundTripAndSurviveARestartOnTheSameDirectory() throws Exception {
    JobMessage job = JobMessage.submit("job-1", "t1", "{}", 0, 1L, "/d", null, 1, 0);
    JobEvent event = JobEvent.state("job-1", 1, JobState.QUEUED, "waiting", null, 2L);
    int port;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      port = kafka.port();
      try (BusProducer producer = new BusProducer(kafka.bootstrapServers(), "test");
           BusConsumer<JobMessage> jobs = new BusConsumer<>(kafka.bootstrapServers(),
               JobMessage.class, "scheduler", BusConsumer.Start.COMMITTED_OR_EARLIEST)) {
        producer.send(job).get(10, TimeUnit.SECONDS);
        producer.send(event).get(10, TimeUnit.SECONDS);
        producer.send(new Heartbeat("e1", 4, 0, 1024, 4, 0, 1024, List.of(), 3L))
            .get(10, TimeUnit.SECONDS);
        producer.send(Assignment.run("e1", job, List.of())).get(10, TimeUnit.SECONDS);

        List<Received<JobMessage>> read = pollUntil(jobs, 1);
        assertEquals("job-1", read.get(0).key());
        assertEquals(job, read.get(0).value());
        jobs.commit();
      }
    }

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, port);
         BusProducer producer = new BusProducer(kafka.bootstrapServers(), "test");
         BusConsumer<JobEvent> events = new BusConsumer<>(kafka.bootstrapServers(),
             JobEvent.class, "fresh-group", BusConsumer.Start.COMMITTED_OR_EARLIEST);
         BusConsumer<JobMessage> jobs = new BusConsumer<>(kafka.bootstrapServers(),
             JobMessage.class, "scheduler", BusConsumer.Start.COMMITTED_OR_EARLIEST)) {
      assertEquals(List.of(event), values(pollUntil(events, 1)));

      // The committed group resumes after what it already read.
      JobMessage cancel = JobMessage.cancel("job-1", "t1");
      producer.send(cancel).get(10, TimeUnit.SECONDS);
      assertEquals(List.of(cancel), values(pollUntil(jobs, 1)));
    }
  }

  @Test
  void clientsReachItAtTheAdvertisedAddress() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, "localhost")) {
      assertEquals("localhost:" + kafka.port(), kafka.advertisedServers());
      assertEquals(false, kafka.reachableFromOtherMachines(), "a loopback name keeps it on loopback");
      try (BusConsumer<Heartbeat> beats = new BusConsumer<>(kafka.advertisedServers(), Heartbeat.class, null,
               BusConsumer.Start.LATEST);
           BusProducer producer = new BusProducer(kafka.advertisedServers(), "test")) {
        Heartbeat beat = new Heartbeat("e1", 2, 0, 512, 2, 0, 512, List.of(), 4L, "s", "localhost", 7000);
        producer.send(beat).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(beat), values(pollUntil(beats, 1)));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> EmbeddedKafka.start(dir, 0, "host:1"));
  }

  @Test
  void aBadRecordIsSkippedAndTheReaderGoesOn() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir);
         BusConsumer<Heartbeat> beats = new BusConsumer<>(kafka.bootstrapServers(),
             Heartbeat.class, null, BusConsumer.Start.LATEST);
         KafkaProducer<String, byte[]> raw = rawProducer(kafka.bootstrapServers());
         BusProducer producer = new BusProducer(kafka.bootstrapServers(), "test")) {
      raw.send(new ProducerRecord<>(Topics.HEARTBEATS, "e1",
          "{broken".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
      Heartbeat good = new Heartbeat("e2", 2, 0, 512, 2, 0, 512, List.of(), 4L);
      producer.send(good).get(10, TimeUnit.SECONDS);
      List<Received<Heartbeat>> read = pollUntil(beats, 1);
      assertEquals(List.of(good), values(read));
      assertEquals(1, read.get(0).offset());
    }
  }

  private static KafkaProducer<String, byte[]> rawProducer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  static <T> List<Received<T>> pollUntil(BusConsumer<T> consumer, int count) {
    List<Received<T>> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (out.size() < count && System.nanoTime() < deadline) {
      out.addAll(consumer.poll(Duration.ofMillis(200)));
    }
    assertTrue(out.size() >= count, "expected " + count + " messages, got " + out);
    return out;
  }

  private static <T> List<T> values(List<Received<T>> received) {
    List<T> out = new ArrayList<>();
    for (Received<T> r : received) {
      out.add(r.value());
    }
    return out;
  }

}
