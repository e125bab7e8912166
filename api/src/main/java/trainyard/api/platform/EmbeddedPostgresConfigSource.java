package trainyard.api.platform;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The datasource URL and credentials of the embedded PostgreSQL, which is started on first read.
 * Thread-safe: {@link EmbeddedPostgresServer#start} is synchronized.
 */
final class EmbeddedPostgresConfigSource implements ConfigSource {
  private static final String USER_KEY = "quarkus.datasource.username";
  private static final String PASSWORD_KEY = "quarkus.datasource.password";
  private final java.nio.file.Path dataDir;

  EmbeddedPostgresConfigSource(java.nio.file.Path dataDir) {
    this.dataDir = dataDir;
  }

  /**
   * Empty on purpose: the Quarkus build walks every listed name and records the values of
   * runtime properties, which would start the server at build time and freeze its URL into
   * the application. The datasource asks for its keys by name, which {@link #getValue} answers.
   */
  @Override
  public Set<String> getPropertyNames() {
    return Set.of();
  }

  @Override
  public Map<String, String> getProperties() {
    return Map.of();
  }

  @Override
  public String getValue(String name) {
    switch (name) {
      case DatabaseConfigSourceFactory.URL_KEY:
        return EmbeddedPostgresServer.start(dataDir);
      case USER_KEY:
      case PASSWORD_KEY:
        return EmbeddedPostgresServer.USER;
      default:
        return null;
    }
  }

  @Override
  public int getOrdinal() {
    // Below application.properties (250): anything a user configures wins.
    return 150;
  }

  @Override
  public String getName() {
    return "trainyard-embedded-postgres";
  }
}
