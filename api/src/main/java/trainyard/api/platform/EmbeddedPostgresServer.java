package trainyard.api.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The one embedded PostgreSQL of this JVM. Its data directory is kept between runs, so
 * everything survives a restart; a directory that holds a cluster is reused, not re-initialised.
 * Thread-safe: all methods are synchronized.
 */
public final class EmbeddedPostgresServer {
  static final String USER = "postgres";
  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);

  private static EmbeddedPostgres server; // Guarded by EmbeddedPostgresServer.class
  private static Path serverDir; // Guarded by EmbeddedPostgresServer.class

  private EmbeddedPostgresServer() {}

  /** Starts the server on {@code dataDir} unless it runs already; returns its JDBC URL. */
  static synchronized String start(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (server != null && !dir.equals(serverDir)) {
      stop(); // a restarted application (tests with another profile) may name another directory
    }
    if (server == null) {
      try {
        Files.createDirectories(dir);
        server = EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setServerConfig("max_connections", "100")
            .start();
        serverDir = dir;
        LOG.infof("embedded PostgreSQL started on port %d, data in %s", server.getPort(), dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dir, e);
      }
    }
    return server.getJdbcUrl(USER, "postgres");
  }

  /** Whether this JVM runs an embedded PostgreSQL. */
  public static synchronized boolean running() {
    return server != null;
  }

  /** Stops the server if it runs; safe to call more than once. */
  public static synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.close();
      LOG.info("embedded PostgreSQL stopped");
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly", e);
    } finally {
      server = null;
      serverDir = null;
    }
  }
}
