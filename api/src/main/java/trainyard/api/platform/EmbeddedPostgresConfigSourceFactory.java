package trainyard.api.platform;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies the JDBC URL of an embedded PostgreSQL when configuration names none.
 *
 * <p>The datasource reads its URL while Quarkus builds its runtime configuration, before any
 * bean or startup observer runs, so the embedded server has to be started from configuration
 * itself. The returned source starts it lazily, on the first read of the URL: the build step
 * (which never reads runtime datasource values) starts nothing.
 */
public final class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {
  static final String URL_KEY = "quarkus.datasource.jdbc.url";

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    if (isSet(context.getValue(URL_KEY))) {
      return List.of();
    }
    ConfigValue dataDir = context.getValue("trainyard.data-dir");
    Path dir = Path.of(isSet(dataDir) ? dataDir.getValue() : "./data");
    return List.of(new EmbeddedPostgresConfigSource(dir.resolve("postgres")));
  }

  private static boolean isSet(ConfigValue value) {
    return value != null && value.getValue() != null && !value.getValue().isBlank();
  }
}
