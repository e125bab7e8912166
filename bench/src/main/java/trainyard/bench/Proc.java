package trainyard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs a peer tool as a child process and times it. Stateless. */
final class Proc {
  private Proc() {}

  /** What a run printed (stdout and stderr merged), its exit status and wall time. */
  record Result(int exit, String output, double seconds, String stopLine) {}

  /** Whether {@code tool} is on the PATH. */
  static boolean installed(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Path.of(dir, tool).toFile().canExecute()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code command} in {@code dir}; when {@code stopAt} matches an output line the process is
   * killed and that line returned (to time a phase of a longer run).
   */
  static Result run(List<String> command, Path dir, long timeoutSeconds, Predicate<String> stopAt)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    long t0 = System.nanoTime();
    Process p = pb.start();
    StringBuilder out = new StringBuilder();
    String stop = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
        if (stopAt != null && stopAt.test(line)) {
          stop = line;
          p.destroyForcibly();
          break;
        }
      }
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " ran longer than " + timeoutSeconds + " s");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(stop != null ? 0 : p.exitValue(), out.toString(), seconds, stop);
  }
}
