package trainyard.api.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The one embedded PostgreSQL of this JVM. Its data directory is kept between runs, so
 * everything survives a restart; a directory that holds a cluster is reused, not re-initialised.
 * A watchdog starts it again, on the same directory and port, when its port stops answering (the
 * kernel's OOM killer chose it, say); meanwhile the API answers 503 database_unavailable. It
 * does not outlive this JVM, and a server left running by a JVM that was killed is stopped before
 * a new one starts ({@link PostmasterWatch}).
 * Thread-safe: all methods are synchronized.
 */
public final class EmbeddedPostgresServer {
  static final String USER = "postgres";
  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);

  private static final long WATCH_SECONDS = 2;

  private static EmbeddedPostgres server; // Guarded by EmbeddedPostgresServer.class
  private static Path serverDir; // Guarded by EmbeddedPostgresServer.class
  private static int serverPort; // Guarded by EmbeddedPostgresServer.class
  private static ScheduledExecutorService watchdog; // Guarded by EmbeddedPostgresServer.class
  // Held for the JVM's life: its stdin pipe closing is what tells it the server is gone.
  private static Process watch; // Guarded by EmbeddedPostgresServer.class

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
        PostmasterWatch.stopOrphan(dir);
        server = launch(dir, 0);
        watch = PostmasterWatch.watch(dir);
        serverDir = dir;
        serverPort = server.getPort();
        LOG.infof("embedded PostgreSQL started on port %d, data in %s", serverPort, dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dir, e);
      }
      watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trainyard-postgres-watchdog");
        t.setDaemon(true);
        return t;
      });
      watchdog.scheduleWithFixedDelay(EmbeddedPostgresServer::reviveIfDead, WATCH_SECONDS, WATCH_SECONDS,
          TimeUnit.SECONDS);
    }
    return server.getJdbcUrl(USER, "postgres");
  }

  /** A server on {@code dir}; on {@code port}, or a free one when 0. */
  private static EmbeddedPostgres launch(Path dir, int port) throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setServerConfig("max_connections", "100")
        // zonky's defaults (synchronous_commit off, -F: fsync off) are made for throwaway test
        // databases: a kill -9 then loses what was answered as committed (a job, its placement),
        // a machine's crash more. This one holds the server's data.
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on");
    if (port > 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  /**
   * Starts the server again when nothing listens on its port any more. Only a refused connection
   * counts: a slow answer is a busy server, not a dead one. The datasource's URL names the port,
   * so the new server takes the same one; a failed start is tried again at the next round.
   */
  private static synchronized void reviveIfDead() {
    if (server == null || listening(serverPort) || shuttingDown()) {
      return;
    }
    LOG.warnf("embedded PostgreSQL on port %d stopped answering; starting it again on %s", serverPort, serverDir);
    try {
      server.close(); // releases its lock on the directory; the process is gone already
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing the dead embedded PostgreSQL", e);
    }
    try {
      server = launch(serverDir, serverPort);
      LOG.infof("embedded PostgreSQL started again on port %d", serverPort);
    } catch (IOException | RuntimeException e) {
      LOG.warnf("embedded PostgreSQL did not start again (next try in %d s): %s", WATCH_SECONDS, e.getMessage());
    }
  }

  /**
   * Whether the JVM is stopping: then the server was stopped on purpose (its library stops it from
   * a shutdown hook of its own, which may run before ours), and starting it again would leave a
   * server behind that nobody stops. The JVM refuses new shutdown hooks once it stops.
   */
  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** Ends the watch as the JVM's end would: it finds the server stopped and exits. */
  private static void endWatch() {
    if (watch == null) {
      return;
    }
    try {
      watch.getOutputStream().close();
    } catch (IOException e) {
      LOG.debug("ending the PostgreSQL watch", e);
    }
    watch = null;
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
    watchdog.shutdownNow();
    watchdog = null;
    try {
      server.close();
      LOG.info("embedded PostgreSQL stopped");
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly", e);
    } finally {
      server = null;
      serverDir = null;
      endWatch();
    }
  }
}
