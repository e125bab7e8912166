package trainyard.api.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;
import trainyard.api.platform.TrainyardConfig;

/**
 * Ready when PostgreSQL answers a trivial query within 3 s. Only the api role uses the database,
 * so a scheduler or executor process reports it unused (and never opens a connection).
 */
@Readiness
@ApplicationScoped
public class DatabaseCheck implements HealthCheck {
  private static final Logger LOG = Logger.getLogger(DatabaseCheck.class);
  private static final String NAME = "postgresql";

  @Inject TrainyardConfig config;
  /** An Instance: outside the api role the datasource is inactive and must not be touched. */
  @Inject Instance<DataSource> dataSource;

  @Override
  public HealthCheckResponse call() {
    if (!config.roles().contains(TrainyardConfig.Role.API)) {
      return HealthCheckResponse.named(NAME).up().withData("used", false).build();
    }
    try (Connection c = dataSource.get().getConnection(); Statement s = c.createStatement()) {
      s.setQueryTimeout(3);
      s.execute("SELECT 1");
      return HealthCheckResponse.up(NAME);
    } catch (SQLException | RuntimeException e) {
      // The probe's answer names the kind of failure only; the log has the whole message.
      LOG.warnf("readiness: PostgreSQL does not answer: %s", e.getMessage());
      return HealthCheckResponse.named(NAME).down().withData("error", e.getClass().getSimpleName()).build();
    }
  }
}
