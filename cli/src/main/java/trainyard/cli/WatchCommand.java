package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code trainyard jobs watch ID}: polls the job and its metrics until it ends. Polling (not
 * SSE) because it needs the job's aggregate view (progress, reason) that events only imply,
 * and it survives server restarts without reconnection logic.
 */
@Command(name = "watch",
    description = {"Watch a job live: state, progress, latest metrics, until it ends.",
        "Exit status 0 when it SUCCEEDED, 4 when it FAILED or was CANCELLED."})
final class WatchCommand extends Leaf {
  @Parameters(paramLabel = "ID")
  String id;

  @Mixin
  PollInterval interval;

  @Override
  public Integer call() {
    return watch(api(), console(), id, json(), interval.checked());
  }

  private record Snapshot(JsonNode job, Map<String, Double> latest) {}

  static int watch(ApiClient api, Console console, String id, boolean json, long interval) {
    String lastLine = "";
    boolean drawn = false;
    Poller poller = new Poller(console, interval);
    while (true) {
      Snapshot snapshot = poller.read(() ->
          new Snapshot(api.get(JobsCommand.path(id)), JobView.latest(metrics(api, id))));
      if (snapshot == null) {
        continue;
      }
      JsonNode job = snapshot.job();
      Map<String, Double> latest = snapshot.latest();
      String status = job.path("status").asText("?");
      String line = JobView.line(job, latest);
      if (console.tty()) {
        console.err().print("\r" + line + "\u001b[K");
        console.err().flush();
        drawn = true;
      } else if (!line.equals(lastLine)) {
        console.err().println(line);
      }
      lastLine = line;
      if (JobView.terminal(status)) {
        if (drawn) {
          console.err().println();
        }
        if (json) {
          console.out().println(Json.pretty(job));
        } else {
          console.out().println(summary(job, latest));
        }
        if (status.equals("SUCCEEDED")) {
          return ExitCode.OK;
        }
        String reason = job.path("statusReason").asText("");
        console.err().println("error: job " + id + " " + status
            + (reason.isEmpty() ? "" : ": " + Problems.oneLine(reason)));
        return ExitCode.FAILED;
      }
      console.pause(interval);
    }
  }

  private static JsonNode metrics(ApiClient api, String id) {
    try {
      return api.get(JobsCommand.path(id) + "/metrics");
    } catch (ApiException e) {
      if (e.status() == 404) {
        return MissingNode.getInstance();
      }
      throw e;
    }
  }

  static String summary(JsonNode job, Map<String, Double> latest) {
    StringBuilder sb = new StringBuilder(Json.text(job, "id")).append("  ")
        .append(Json.text(job, "status"));
    JsonNode fin = job.path("finalMetrics");
    if (fin.isObject() && fin.size() > 0) {
      sb.append("  ").append(JobView.metrics(JobView.numbers(fin)));
    } else if (!latest.isEmpty()) {
      sb.append("  ").append(JobView.metrics(latest));
    }
    if (job.hasNonNull("modelId")) {
      sb.append("  model ").append(job.get("modelId").asText());
    }
    return sb.toString();
  }
}
