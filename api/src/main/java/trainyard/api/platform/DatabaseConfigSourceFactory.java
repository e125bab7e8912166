package trainyard.api.platform;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Which database this process uses. Only the api role uses one: a scheduler or executor process
 * gets its datasource, Hibernate ORM and Flyway switched off ({@code quarkus.*.active=false}), so
 * it neither connects nor starts an embedded server, needs no
 * database configuration and fails loudly should it ever reach for the database. A process with
 * the api role uses the configured PostgreSQL, or, when configuration names none, an embedded one.
 * A process without the api role also takes any free HTTP port unless one is configured.
 *
 * <p>The datasource reads its URL while Quarkus builds its runtime configuration, before any
 * bean or startup observer runs, so the embedded server has to be started from configuration
 * itself. The returned source starts it lazily, on the first read of the URL: the build step
 * (which never reads runtime datasource values) starts nothing.
 */
public final class DatabaseConfigSourceFactory implements ConfigSourceFactory {
  static final String URL_KEY = "quarkus.datasource.jdbc.url";
  private static final String DEFAULT_ROLES = "api,scheduler,executor";

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    ConfigValue roles = context.getValue("trainyard.roles");
    if (!hasApiRole(isSet(roles) ? roles.getValue() : DEFAULT_ROLES)) {
      return List.of(new NoDatabaseConfigSource(), new AnyHttpPortConfigSource());
    }
    if (isSet(context.getValue(URL_KEY))) {
      return List.of();
    }
    ConfigValue dataDir = context.getValue("trainyard.data-dir");
    Path dir = Path.of(isSet(dataDir) ? dataDir.getValue() : "./data");
    return List.of(new EmbeddedPostgresConfigSource(dir.resolve("postgres")));
  }

  /** Reads roles as {@link TrainyardConfig#roles()} does: comma-separated, any case. */
  static boolean hasApiRole(String roles) {
    for (String role : roles.split(",")) {
      if (role.trim().toUpperCase(Locale.ROOT).equals(TrainyardConfig.Role.API.name())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSet(ConfigValue value) {
    return value != null && value.getValue() != null && !value.getValue().isBlank();
  }

  /**
   * Gives a process without the api role any free HTTP port unless one is configured (the
   * environment and system properties win; application.properties' 8080 does not): it serves no
   * API, and an executor joined on the all-in-one server's machine must not fight it for 8080.
   * Immutable.
   */
  private static final class AnyHttpPortConfigSource implements ConfigSource {
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
      return name.equals("quarkus.http.port") ? "0" : null;
    }

    @Override
    public int getOrdinal() {
      // Above application.properties (250), below the environment (300) and system properties (400).
      return 275;
    }

    @Override
    public String getName() {
      return "trainyard-any-http-port";
    }
  }

  /** Switches the datasource off in a process without the api role. Immutable. */
  private static final class NoDatabaseConfigSource implements ConfigSource {
    private static final Map<String, String> VALUES = Map.of(
        "quarkus.datasource.active", "false",
        "quarkus.hibernate-orm.active", "false",
        "quarkus.flyway.active", "false");

    /** Empty for the reason {@link EmbeddedPostgresConfigSource#getPropertyNames} gives. */
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
      return VALUES.get(name);
    }

    @Override
    public int getOrdinal() {
      // Above application.properties and the environment: the datasource settings that compose
      // gives every container do not switch the database on in a scheduler or executor.
      return 500;
    }

    @Override
    public String getName() {
      return "trainyard-no-database";
    }
  }
}
