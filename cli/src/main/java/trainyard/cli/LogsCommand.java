package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trainyard jobs logs ID [-f]}: a job's events and log lines; -f follows the SSE stream. */
@Command(name = "logs", description = {"Print a job's log lines and state changes.",
    "With -f, follow them live (Server-Sent Events) until the job ends."})
final class LogsCommand extends Leaf {
  private static final int RECONNECTS = 5;

  @Parameters(paramLabel = "ID")
  String id;

  @Option(names = {"-f", "--follow"}, description = "follow live until the job ends")
  boolean follow;

  @Override
  public Integer call() {
    ApiClient api = api();
    if (!follow) {
      JsonNode events = api.get(JobsCommand.path(id) + "/events");
      for (JsonNode e : Json.items(events)) {
        print(e);
      }
      return 0;
    }
    return followStream(api);
  }

  private int followStream(ApiClient api) {
    String lastId = null;
    int failures = 0;
    boolean[] ended = {false};
    while (true) {
      Map<String, String> headers = new HashMap<>();
      if (lastId != null) {
        headers.put("Last-Event-ID", lastId);
      }
      try {
        HttpResponse<InputStream> r = api.stream(JobsCommand.path(id) + "/events",
            "text/event-stream", headers);
        try (InputStream in = r.body()) {
          lastId = Sse.read(in, lastId, ev -> {
            JsonNode e = Json.parseLenient(ev.data());
            if (e.isMissingNode()) {
              return true;
            }
            print(e);
            if (isTerminal(ev.type(), e)) {
              ended[0] = true;
              return false;
            }
            return true;
          });
        }
        failures = 0;
      } catch (IOException e) {
        if (++failures > RECONNECTS) {
          throw CliException.connection("the event stream of " + id + " broke: " + e.getMessage());
        }
      } catch (CliException e) {
        if (e.exitCode() != ExitCode.CONNECTION || ++failures > RECONNECTS) {
          throw e;
        }
      }
      if (ended[0]) {
        return 0;
      }
      // The stream closed without a terminal event: ask whether the job is over, else reconnect.
      JsonNode job = api.get(JobsCommand.path(id));
      if (JobView.terminal(job.path("status").asText(""))) {
        return 0;
      }
      console().pause(Math.min(5000, 500L << Math.min(failures, 4)));
    }
  }

  static boolean isTerminal(String sseType, JsonNode e) {
    String type = e.path("type").asText(sseType);
    return type.equals("STATE") && JobView.terminal(e.path("state").asText(""));
  }

  private void print(JsonNode e) {
    PrintStream out = out();
    if (json()) {
      out.println(e.toString());
      out.flush();
      return;
    }
    out.println(line(e));
    out.flush();
  }

  /** {@code 2026-11-27T08:50:01Z  LOG  epoch 1 done} and the like. */
  static String line(JsonNode e) {
    String type = e.path("type").asText("?");
    String time = Json.text(e, "time");
    String what = switch (type) {
      case "STATE" -> e.path("state").asText("?")
          + (e.path("reason").asText("").isEmpty() ? "" : " (" + e.path("reason").asText() + ")");
      case "METRIC" -> "epoch " + Json.text(e, "epoch") + "  " + JobView.metrics(JobView.numbers(e.path("metrics")));
      case "PROGRESS" -> ProgressFormat.percent(e.path("progress").asDouble()).trim();
      case "MODEL" -> "model written";
      default -> e.path("message").asText("");
    };
    return time + "  " + String.format("%-8s", type) + " " + Problems.oneLine(what);
  }
}
