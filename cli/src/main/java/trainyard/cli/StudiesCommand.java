package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trainyard studies submit|ls|show|watch|cancel}: hyperparameter searches whose trials are jobs. */
@Command(name = "studies", description = "Submit, list, show, watch and cancel studies (hyperparameter searches).",
    subcommands = {StudiesCommand.Submit.class, StudiesCommand.Ls.class, StudiesCommand.ShowStudy.class,
        StudiesCommand.Watch.class, StudiesCommand.Cancel.class})
final class StudiesCommand extends Group {

  static String path(String id) {
    return "/api/v1/studies/" + ApiClient.seg(id);
  }

  @Command(name = "submit",
      description = {"Submit a study from STUDY.json: {spec, space, objective, budget,",
          "method, seed} (docs/CLI.md). --spec takes the base job spec from",
          "a job spec file instead."})
  static final class Submit extends Leaf {
    @Parameters(paramLabel = "STUDY.json", description = "a study file")
    Path studyFile;

    @Option(names = "--spec", paramLabel = "SPEC.json", description = "the base job spec, replacing the file's spec")
    Path specFile;

    @Option(names = "--idempotency-key", paramLabel = "K",
        description = "a retried submit with the same key returns the same study")
    String idempotencyKey;

    @Option(names = "--watch", description = "then watch it like 'studies watch'")
    boolean watch;

    @Option(names = "--dry-run", description = "print the study that would be sent; send nothing")
    boolean dryRun;

    @Override
    public Integer call() {
      JsonNode study = JobsCommand.Submit.readSpec(studyFile);
      if (!study.isObject()) {
        throw CliException.usage(studyFile + " must hold a JSON object (a study)");
      }
      if (specFile != null) {
        ((ObjectNode) study).set("spec", JobsCommand.Submit.readSpec(specFile));
      }
      if (dryRun) {
        printJson(study);
        return 0;
      }
      JsonNode made = api().postJson("/api/v1/studies", study,
          idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
      String id = made.path("id").asText("");
      if (watch && !id.isEmpty()) {
        console().err().println("submitted " + id);
        return watch(api(), console(), id, json(), 1000);
      }
      printResult(made, id + "  " + Json.text(made, "status"));
      return 0;
    }
  }

  @Command(name = "ls", aliases = "list", description = "List studies, newest first.")
  static final class Ls extends ListLeaf {
    @Option(names = "--status", paramLabel = "S", description = "only studies in this state")
    String status;

    Ls() {
      super("/api/v1/studies", "ID", "NAME", "METHOD", "STATUS", "TRIALS", "OBJECTIVE", "BEST", "CREATED");
    }

    @Override
    Map<String, Object> filters() {
      return ApiClient.params("status", status);
    }

    @Override
    String[] row(JsonNode s) {
      return new String[] {Json.text(s, "id"), Json.text(s, "name"), Json.text(s, "method"), Json.text(s, "status"),
          Json.text(s, "budgetTrials"), Json.text(s, "direction") + " " + Json.text(s, "metric"),
          s.hasNonNull("bestObjective") ? number(s.get("bestObjective")) : "-", Json.text(s, "createdAt")};
    }
  }

  @Command(name = "show", description = {"Show a study: state, objective, best trial and model, then every",
      "trial: state (STOPPED: stopped early), objective, epochs, values."})
  static final class ShowStudy extends ShowLeaf {
    ShowStudy() {
      super(StudiesCommand::path);
    }

    @Override
    void printText(PrintStream out, JsonNode study) {
      ObjectNode rest = study.deepCopy();
      rest.remove(java.util.List.of("trials", "request"));
      Show.print(out, rest);
      out.println("trials:");
      trials(study).print(out);
    }
  }

  @Command(name = "watch",
      description = {"Watch a study live: trials by state and the best so far, until it",
          "ends. Exit status 0 when it SUCCEEDED, 4 when it FAILED or was CANCELLED."})
  static final class Watch extends Leaf {
    @Parameters(paramLabel = "ID")
    String id;

    @Mixin
    PollInterval interval;

    @Override
    public Integer call() {
      return watch(api(), console(), id, json(), interval.checked());
    }
  }

  @Command(name = "cancel", description = "Cancel a study and every trial still queued or running.")
  static final class Cancel extends Leaf {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      JsonNode s = api().json("POST", path(id) + "/cancel",
          java.net.http.HttpRequest.BodyPublishers.noBody(), null, Map.of());
      printResult(s, id + "  " + Json.text(s, "status"));
      return 0;
    }
  }

  /**
   * Polls the study until it ends, through server restarts ({@link Poller}); one line per change on
   * stderr, the study (or its trials and summary) on stdout.
   */
  static int watch(ApiClient api, Console console, String id, boolean json, long interval) {
    String last = "";
    Poller poller = new Poller(console, interval);
    while (true) {
      JsonNode study = poller.read(() -> api.get(path(id)));
      if (study == null) {
        continue;
      }
      String status = study.path("status").asText("?");
      String line = line(study);
      if (!line.equals(last)) {
        console.err().println(line);
        last = line;
      }
      if (JobView.terminal(status)) {
        if (json) {
          console.out().println(Json.pretty(study));
        } else {
          trials(study).print(console.out());
          console.out().println(id + "  " + status + (study.hasNonNull("bestJobId") ? "  best " + Json.text(study,
              "bestJobId") + " " + Json.text(study, "metric") + " " + number(study.get("bestObjective")) : "")
              + (study.hasNonNull("modelId") ? "  model " + Json.text(study, "modelId") : ""));
        }
        if (status.equals("SUCCEEDED")) {
          return ExitCode.OK;
        }
        String reason = study.path("statusReason").asText("");
        console.err().println("error: study " + id + " " + status
            + (reason.isEmpty() ? "" : ": " + Problems.oneLine(reason)));
        return ExitCode.FAILED;
      }
      console.pause(interval);
    }
  }

  /** "RUNNING  trials 5/16: 2 running, 2 succeeded, 1 stopped  best val_logloss 0.4123 (job_…)". */
  static String line(JsonNode study) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (JsonNode t : study.path("trials")) {
      String state = t.path("state").asText("?");
      String group = state.equals("QUEUED") || state.equals("ASSIGNED") || state.equals("RUNNING") ? "running"
          : state.toLowerCase(java.util.Locale.ROOT);
      counts.merge(group, 1, Integer::sum);
    }
    StringBuilder sb = new StringBuilder(Json.text(study, "status")).append("  trials ")
        .append(study.path("trials").size()).append('/').append(Json.text(study, "budgetTrials"));
    String sep = ": ";
    for (Map.Entry<String, Integer> c : counts.entrySet()) {
      sb.append(sep).append(c.getValue()).append(' ').append(c.getKey());
      sep = ", ";
    }
    if (study.hasNonNull("bestObjective")) {
      sb.append("  best ").append(Json.text(study, "metric")).append(' ').append(number(study.get("bestObjective")))
          .append(" (").append(Json.text(study, "bestJobId")).append(')');
    }
    return sb.toString();
  }

  static Table trials(JsonNode study) {
    Table t = new Table("#", "JOB", "STATE", "OBJECTIVE", "EPOCH", "PARAMS");
    for (JsonNode trial : study.path("trials")) {
      t.row(Json.text(trial, "index"), Json.text(trial, "jobId"), Json.text(trial, "state"),
          trial.hasNonNull("objective") ? number(trial.get("objective")) : "-",
          trial.hasNonNull("epoch") ? trial.get("epoch").asText() : "-", params(trial.path("params")));
    }
    return t;
  }

  private static String params(JsonNode params) {
    StringBuilder sb = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      sb.append(sb.length() == 0 ? "" : " ").append(p.getKey()).append('=')
          .append(p.getValue().isNumber() ? number(p.getValue()) : p.getValue().asText());
    }
    return sb.toString();
  }

  private static String number(JsonNode n) {
    return n.isIntegralNumber() || !Double.isFinite(n.asDouble()) ? n.asText()
        : new java.math.BigDecimal(n.asDouble()).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
