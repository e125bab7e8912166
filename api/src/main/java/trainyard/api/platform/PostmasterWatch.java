package trainyard.api.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Keeps the embedded PostgreSQL from outliving the server that started it. pg_ctl starts the
 * postmaster detached, so it is no child of this JVM and a {@code kill -9} of the server (the OOM
 * killer) leaves it running on the data directory, where it blocks the next start ("lock file
 * postmaster.pid already exists"). Two guards:
 *
 * <ul>
 *   <li>{@link #watch}: a small shell process that this JVM feeds a pipe it never writes to. When
 *       the JVM ends, however it ends (SIGKILL included: shutdown hooks do not run then, but the
 *       kernel closes the JVM's end of the pipe), the shell reads end of file and stops the
 *       postmaster that {@code postmaster.pid} then names.
 *   <li>{@link #stopOrphan}: at start, a postmaster still running on the directory (its watch was
 *       killed too, with the whole process group) is stopped before a new one starts.
 * </ul>
 *
 * Either guard touches a process only if it is a postgres whose command line names the directory.
 * Stopping is SIGTERM, then SIGKILL after {@link #GRACE}. Not thread-safe: call from
 * {@link EmbeddedPostgresServer}'s synchronized methods.
 */
final class PostmasterWatch {
  private static final Logger LOG = Logger.getLogger(PostmasterWatch.class);
  static final Duration GRACE = Duration.ofSeconds(10);

  // $1 the data directory, $2 the grace in seconds. Runs once the JVM's end of stdin closes.
  private static final String SCRIPT = """
      cat >/dev/null
      pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) || exit 0
      args=$(ps -o args= -p "$pid" 2>/dev/null || tr '\\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
      case "$args" in
        *postgres*"$1"*) ;;
        *) exit 0 ;;
      esac
      kill -TERM "$pid" 2>/dev/null
      i=0
      while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        if [ "$i" -gt $(($2 * 2)) ]; then kill -KILL "$pid" 2>/dev/null; exit 0; fi
        sleep 0.5
      done
      """;

  private PostmasterWatch() {}

  /**
   * Starts the watch of the postmaster on {@code dir}; it runs until this JVM ends or its stdin is
   * closed. Returns null, with a warning, where no {@code sh} can run it: the next start's
   * {@link #stopOrphan} still covers a crash.
   */
  static Process watch(Path dir) {
    try {
      return new ProcessBuilder(List.of("sh", "-c", SCRIPT, "trainyard-postmaster-watch", dir.toString(),
          String.valueOf(GRACE.toSeconds())))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      LOG.warnf("cannot watch the embedded PostgreSQL (%s): if this server is killed, the next start stops it",
          e.getMessage());
      return null;
    }
  }

  /** Stops a postmaster left running on {@code dir} by a server that died; does nothing if there is none. */
  static void stopOrphan(Path dir) {
    Optional<ProcessHandle> orphan = postmasterOf(dir);
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle p = orphan.get();
    LOG.warnf("an embedded PostgreSQL (pid %d) is still running on %s, left by a server that did not stop it;"
        + " stopping it", p.pid(), dir);
    p.destroy();
    if (!awaitExit(p, GRACE)) {
      LOG.warnf("PostgreSQL pid %d did not stop within %d s of SIGTERM; killing it", p.pid(), GRACE.toSeconds());
      p.descendants().forEach(ProcessHandle::destroyForcibly); // its backends hold the shared memory
      p.destroyForcibly();
      if (!awaitExit(p, GRACE)) {
        throw new IllegalStateException("cannot stop the PostgreSQL (pid " + p.pid() + ") running on " + dir);
      }
    }
  }

  /** The live process that {@code dir}'s postmaster.pid names, if it is a postgres of {@code dir}. */
  private static Optional<ProcessHandle> postmasterOf(Path dir) {
    List<String> lines;
    try {
      lines = Files.readAllLines(dir.resolve("postmaster.pid"));
    } catch (IOException e) {
      return Optional.empty(); // none: no server, or one that stopped cleanly
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (RuntimeException e) {
      return Optional.empty(); // torn or empty: PostgreSQL itself judges such a file at start
    }
    return ProcessHandle.of(pid).filter(p -> isPostgresOf(p, dir));
  }

  private static boolean isPostgresOf(ProcessHandle p, Path dir) {
    String command = p.info().command().orElse("");
    String commandLine = p.info().commandLine().orElse("");
    return p.isAlive() && command.endsWith("postgres") && commandLine.contains(dir.toString());
  }

  private static boolean awaitExit(ProcessHandle p, Duration timeout) {
    try {
      p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !p.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }
}
