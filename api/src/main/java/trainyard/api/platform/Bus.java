package trainyard.api.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import trainyard.bus.BusProducer;
import trainyard.bus.EmbeddedKafka;
import trainyard.bus.JobMessage;
import trainyard.bus.Topics;

/**
 * The Kafka side of this process: the configured broker, or an embedded one under data/kafka,
 * and one shared producer. Started and stopped by {@link Platform}. Thread-safe after start.
 */
@ApplicationScoped
public class Bus {
  private static final Logger LOG = Logger.getLogger(Bus.class);

  @Inject TrainyardConfig config;
  @Inject BlobStore blobs;

  private volatile EmbeddedKafka embedded;
  private volatile String bootstrapServers;
  private volatile BusProducer producer;

  void start() {
    bootstrapServers = config.kafka().bootstrapServers().orElse(null);
    if (bootstrapServers == null) {
      embedded = EmbeddedKafka.start(blobs.kafka());
      bootstrapServers = embedded.bootstrapServers();
      LOG.infof("embedded Kafka started on %s, log in %s", bootstrapServers, blobs.kafka());
    }
    // An external broker may not auto-create topics; creating the missing ones is idempotent, so
    // the embedded broker takes the same path.
    Topics.ensureCreated(bootstrapServers);
    producer = new BusProducer(bootstrapServers, "trainyard-api");
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Sends and waits for the broker's acknowledgement, so a caller knows the message is safe.
   *
   * @throws IllegalStateException when Kafka does not take it
   */
  public void publish(JobMessage message) {
    try {
      producer.send(message).get();
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IllegalStateException("Kafka refused job message for " + message.jobId() + ": " + e.getMessage(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("Kafka refused job message for " + message.jobId() + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing job " + message.jobId(), e);
    }
  }

  public BusProducer producer() {
    return producer;
  }

  void stop() {
    if (producer != null) {
      producer.close();
      producer = null;
    }
    if (embedded != null) {
      embedded.close();
      embedded = null;
    }
  }
}
