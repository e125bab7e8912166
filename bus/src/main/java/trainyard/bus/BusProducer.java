package trainyard.bus;

import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes bus messages, each to its topic under its key (job id or executor id), so that one
 * job's messages stay in order. Thread-safe, like the Kafka producer it wraps.
 */
public final class BusProducer implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;

  public BusProducer(String bootstrapServers, String clientId) {
    Properties props = KafkaClients.properties(bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Messages are few and latency matters (submit → RUNNING): send at once.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  public Future<RecordMetadata> send(JobMessage message) {
    return send(Topics.JOBS, message.jobId(), message);
  }

  public Future<RecordMetadata> send(Assignment assignment) {
    return send(Topics.ASSIGNMENTS, assignment.executorId(), assignment);
  }

  public Future<RecordMetadata> send(JobEvent event) {
    return send(Topics.EVENTS, event.jobId(), event);
  }

  public Future<RecordMetadata> send(Heartbeat heartbeat) {
    return send(Topics.HEARTBEATS, heartbeat.executorId(), heartbeat);
  }

  /** Blocks until every message sent so far is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }

  private Future<RecordMetadata> send(String topic, String key, Object message) {
    return producer.send(new ProducerRecord<>(topic, key, Json.write(message)));
  }
}
