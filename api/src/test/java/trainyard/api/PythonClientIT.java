package trainyard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client (clients/python) passes its tests against the packaged server: this starts
 * the jar on an empty data directory and runs {@code python3 -m unittest} there with the
 * server's address and admin token. Skipped, saying why, where no Python 3.9+ is installed.
 */
class PythonClientIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  private static final Path CLIENT = Path.of("..", "clients", "python").toAbsolutePath().normalize();

  @TempDir Path data;

  @Test
  void thePythonClientPassesItsTestsAgainstTheServer() throws Exception {
    assumeTrue(pythonVersionAtLeast(3, 9), "no python3 of version 3.9 or later on the PATH; the Python client's tests need one");
    int port = PackagedServer.freePort();
    Process server = start(port);
    try {
      Path log = Path.of("target", "python-client-tests.log").toAbsolutePath();
      ProcessBuilder tests = new ProcessBuilder("python3", "-m", "unittest", "discover", "-v", "-s", "tests")
          .directory(CLIENT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      tests.environment().put("TRAINYARD_TEST_URL", "http://localhost:" + port);
      tests.environment().put("TRAINYARD_TEST_ADMIN_TOKEN", Files.readString(data.resolve("admin-token")).trim());
      tests.environment().put("TRAINYARD_HOME", data.resolve("client-home").toString());
      Process run = tests.start();
      assertTrue(run.waitFor(5, TimeUnit.MINUTES), "the Python tests did not end within 5 minutes");
      String out = Files.readString(log);
      assertEquals(0, run.exitValue(), out);
      Matcher ran = Pattern.compile("Ran (\\d+) tests").matcher(out);
      assertTrue(ran.find() && Integer.parseInt(ran.group(1)) >= 10, out);
      assertFalse(out.contains("skipped"), "every Python test must run here:\n" + out);
    } finally {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static boolean pythonVersionAtLeast(int major, int minor) throws InterruptedException {
    try {
      Process p = new ProcessBuilder("python3", "-c",
          "import sys; sys.exit(0 if sys.version_info >= (" + major + ", " + minor + ") else 1)").start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false; // not installed
    }
  }

  private Process start(int port) throws IOException, InterruptedException {
    return PackagedServer.start(port, data, "python-client-it-server.log", BOOT);
  }
}
