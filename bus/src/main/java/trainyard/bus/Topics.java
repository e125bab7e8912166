package trainyard.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The Kafka topics of Trainyard (docs/ARCHITECTURE.md, "Kafka topics and messages"). */
public final class Topics {
  /** {@link JobMessage}, keyed by job id: api → scheduler. */
  public static final String JOBS = "trainyard.jobs";
  /** {@link Assignment}, keyed by executor id: scheduler → executor. */
  public static final String ASSIGNMENTS = "trainyard.assignments";
  /** {@link JobEvent}, keyed by job id: scheduler, executor → api. */
  public static final String EVENTS = "trainyard.events";
  /** {@link Heartbeat}, keyed by executor id: executor → scheduler, api. */
  public static final String HEARTBEATS = "trainyard.heartbeats";

  public static final List<String> ALL = List.of(JOBS, ASSIGNMENTS, EVENTS, HEARTBEATS);

  private Topics() {}

  /** As {@link #ensureCreated(String, Duration)} within 30 s. */
  public static void ensureCreated(String bootstrapServers) {
    ensureCreated(bootstrapServers, Duration.ofSeconds(30));
  }

  /**
   * Creates whichever of the four topics are missing, with the broker's default partition count
   * and replication factor. Safe to call from several processes at once.
   *
   * @throws IllegalStateException naming the broker when they cannot be created within {@code
   *     timeout}; "no Kafka broker answered at …" when none answered at all
   */
  public static void ensureCreated(String bootstrapServers, Duration timeout) {
    Properties props = KafkaClients.properties(bootstrapServers);
    // Each call of the admin client gives up by the timeout, so its close waits no longer.
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(millis, TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : ALL) {
        if (!existing.contains(topic)) {
          missing.add(new NewTopic(topic, Optional.empty(), Optional.empty()));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(millis, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (TimeoutException e) {
      throw unreachable(bootstrapServers, timeout, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(bootstrapServers, timeout, e);
      }
      throw new IllegalStateException("cannot create the Trainyard topics on " + bootstrapServers + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the Trainyard topics", e);
    }
  }

  private static IllegalStateException unreachable(String bootstrapServers, Duration timeout, Exception e) {
    return new IllegalStateException("no Kafka broker answered at " + bootstrapServers + " within "
        + timeout.toSeconds() + " s", e);
  }

  /** The topic that carries messages of {@code type}. */
  public static String of(Class<?> type) {
    if (type == JobMessage.class) {
      return JOBS;
    }
    if (type == Assignment.class) {
      return ASSIGNMENTS;
    }
    if (type == JobEvent.class) {
      return EVENTS;
    }
    if (type == Heartbeat.class) {
      return HEARTBEATS;
    }
    throw new IllegalArgumentException("no Trainyard topic carries " + type.getName());
  }
}
