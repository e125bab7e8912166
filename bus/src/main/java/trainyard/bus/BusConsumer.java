package trainyard.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the messages of one type from every partition of its topic. Partitions are assigned
 * directly, not through group rebalancing: a reader starts in milliseconds and every reader of
 * a topic sees every message. A group id, when given, only names where {@link #commit()} keeps
 * the position. A record that is not valid JSON for the type is skipped, so one bad message
 * cannot stop a reader: logged, or handed to the caller's {@link Undecodable} handler.
 *
 * <p>Not thread-safe: use from one thread, except {@link #wakeup()}.
 */
public final class BusConsumer<T> implements AutoCloseable {
  /** Where a reader starts. */
  public enum Start {
    /** At the committed position, or at the oldest message if none was committed. */
    COMMITTED_OR_EARLIEST,
    /** At the committed position, or after the newest message if none was committed. */
    COMMITTED_OR_LATEST,
    /** After the newest message, whatever was committed. */
    LATEST
  }

  private static final System.Logger LOG = System.getLogger(BusConsumer.class.getName());

  private final KafkaConsumer<String, byte[]> consumer;
  private final Class<T> type;
  private final boolean commits;

  /**
   * Opens a reader of {@code type}'s topic ({@link Topics#of}); returns once it is positioned.
   *
   * @param groupId where positions are committed; required unless {@code start} is LATEST
   */
  public BusConsumer(String bootstrapServers, Class<T> type, String groupId, Start start) {
    if (groupId == null && start != Start.LATEST) {
      throw new IllegalArgumentException("a groupId is needed to start at " + start);
    }
    this.type = type;
    this.commits = groupId != null;
    Properties props = KafkaClients.properties(bootstrapServers);
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        start == Start.COMMITTED_OR_EARLIEST ? "earliest" : "latest");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    try {
      position(Topics.of(type), start);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      consumer.close();
      throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " to read "
          + Topics.of(type) + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  private void position(String topic, Start start) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist; create the Trainyard "
          + "topics with Topics.ensureCreated");
    }
    Set<TopicPartition> partitions = new HashSet<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    consumer.assign(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed =
        start == Start.LATEST ? Map.of() : consumer.committed(partitions);
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null) {
        consumer.seek(partition, offset);
      } else if (start == Start.COMMITTED_OR_EARLIEST) {
        consumer.seekToBeginning(Set.of(partition));
      } else {
        consumer.seekToEnd(Set.of(partition));
      }
      // Resolve the position now: a message sent after the constructor returns is then seen.
      consumer.position(partition);
    }
  }

  /** A record that did not decode: where it was, its raw bytes (null for a null record) and why. */
  public record Undecodable(String topic, int partition, long offset, String key, byte[] payload, String error) {}

  /** Waits up to {@code timeout} for messages; returns those that decode, in offset order, and logs the rest. */
  public List<Received<T>> poll(Duration timeout) {
    return poll(timeout, u -> LOG.log(System.Logger.Level.WARNING, "skipping {0}-{1} offset {2}: {3}",
        u.topic(), u.partition(), u.offset(), u.error()));
  }

  /**
   * Waits up to {@code timeout} for messages; returns those that decode, in offset order, and hands
   * each one that does not to {@code undecodable} (on this thread, before returning).
   */
  public List<Received<T>> poll(Duration timeout, Consumer<Undecodable> undecodable) {
    List<Received<T>> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
      try {
        out.add(new Received<>(record.key(), Json.read(record.value(), type), record.partition(),
            record.offset(), record.timestamp(), record.value()));
      } catch (Json.BadMessageException e) {
        undecodable.accept(new Undecodable(record.topic(), record.partition(), record.offset(), record.key(),
            record.value(), e.getMessage()));
      }
    }
    return out;
  }

  /**
   * Messages on the topic not read yet: the end offsets less this reader's positions, summed over
   * its partitions. Asks the broker for the end offsets, so an answer also proves Kafka is reached.
   *
   * @throws org.apache.kafka.common.errors.TimeoutException when the broker does not answer in {@code timeout}
   */
  public long lag(Duration timeout) {
    Set<TopicPartition> partitions = consumer.assignment();
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> end : consumer.endOffsets(partitions, timeout).entrySet()) {
      lag += Math.max(0, end.getValue() - consumer.position(end.getKey(), timeout));
    }
    return lag;
  }

  /** Commits the position after the last polled messages (a no-op without a group id). */
  public void commit() {
    if (commits) {
      consumer.commitSync();
    }
  }

  /** Makes a blocked {@link #poll} throw {@code WakeupException}; safe from any thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
