package trainyard.api.ops;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;
import trainyard.api.platform.Bus;
import trainyard.bus.KafkaClients;

/**
 * Ready when the Kafka cluster describes itself within 3 s. One admin client serves every probe
 * (it reconnects by itself); it is made at the first probe after the bus has started.
 * Thread-safe.
 */
@Readiness
@ApplicationScoped
public class BusCheck implements HealthCheck {
  private static final Logger LOG = Logger.getLogger(BusCheck.class);
  private static final String NAME = "kafka";
  private static final int TIMEOUT_MS = 3000;

  @Inject Bus bus;

  private Admin admin; // Guarded by this

  @Override
  public HealthCheckResponse call() {
    Admin client = admin();
    if (client == null) {
      return HealthCheckResponse.named(NAME).down().withData("error", "the bus has not started").build();
    }
    try {
      int brokers = client.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
          .nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
      return HealthCheckResponse.named(NAME).up().withData("brokers", brokers).build();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warnf("readiness: Kafka does not answer: %s", e.getMessage());
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      return HealthCheckResponse.named(NAME).down().withData("error", cause.getClass().getSimpleName()).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HealthCheckResponse.named(NAME).down().withData("error", "interrupted").build();
    }
  }

  private synchronized Admin admin() {
    String servers = bus.bootstrapServers();
    if (admin == null && servers != null) {
      Properties props = KafkaClients.properties(servers);
      props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
      props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
      props.put(AdminClientConfig.CLIENT_ID_CONFIG, "trainyard-health");
      admin = Admin.create(props);
    }
    return admin;
  }

  @PreDestroy
  synchronized void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(1));
    }
  }
}
