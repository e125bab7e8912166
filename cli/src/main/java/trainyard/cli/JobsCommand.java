package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trainyard jobs submit|ls|show|cancel|rm|watch|logs}. */
@Command(name = "jobs", description = "Submit, list, show, cancel, delete, watch jobs and read their logs.",
    subcommands = {JobsCommand.Submit.class, JobsCommand.Ls.class, JobsCommand.ShowJob.class,
        JobsCommand.Cancel.class, JobsCommand.Rm.class, WatchCommand.class, LogsCommand.class})
final class JobsCommand extends Group {

  static String path(String id) {
    return "/api/v1/jobs/" + ApiClient.seg(id);
  }

  @Command(name = "submit",
      description = {"Submit a job from SPEC.json, from options, or both (options win):",
          "  trainyard jobs submit --algorithm fm --dataset ds_1 \\",
          "      --set dim=8 --set epochs=3",
          "--set keys: name, algorithm, dataset, priority; loss, optimizer,",
          "  learningRate, l1, l2, dim, epochs, batchSize, hidden (64,32),",
          "  threshold, hashBits, seed; workers, servers, gpus, executors;",
          "  maxDelay;",
          "  maxSeconds; fraction, validationDataset; or a dotted path such",
          "  as params.dim."})
  static final class Submit extends Leaf {
    @Parameters(paramLabel = "SPEC.json", arity = "0..1", description = "a job spec file")
    Path specFile;

    @Option(names = "--algorithm", paramLabel = "A", description = "linear, fm or mlp")
    String algorithm;

    @Option(names = "--dataset", paramLabel = "ID", description = "training dataset id")
    String dataset;

    @Option(names = "--name", paramLabel = "N", description = "job name")
    String name;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "set a spec field (repeatable)")
    List<String> sets = new ArrayList<>();

    @Option(names = "--idempotency-key", paramLabel = "K",
        description = "a retried submit with the same key returns the same job")
    String idempotencyKey;

    @Option(names = "--watch", description = "then watch it like 'jobs watch'")
    boolean watch;

    @Option(names = "--dry-run", description = "print the spec that would be sent; send nothing")
    boolean dryRun;

    @Override
    public Integer call() {
      JsonNode base = specFile == null ? null : readSpec(specFile);
      ObjectNode spec = SpecBuilder.build(base, algorithm, dataset, name, sets);
      if (dryRun) {
        printJson(spec);
        return 0;
      }
      JsonNode job = api().postJson("/api/v1/jobs", spec,
          idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
      String id = job.path("id").asText("");
      if (watch && !id.isEmpty()) {
        console().err().println("submitted " + id);
        return WatchCommand.watch(api(), console(), id, json(), 1000);
      }
      printResult(job, id + "  " + Json.text(job, "status"));
      return 0;
    }

    static JsonNode readSpec(Path file) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw CliException.usage("cannot read " + file + ": " + e.getMessage());
      }
      try {
        return Json.MAPPER.readTree(text);
      } catch (IOException e) {
        throw CliException.usage(file + " is not valid JSON: " + Problems.oneLine(
            e.getMessage() == null ? "" : e.getMessage().split("\n")[0]));
      }
    }
  }

  @Command(name = "ls", aliases = "list", description = "List jobs, newest first.")
  static final class Ls extends ListLeaf {
    @Option(names = "--status", paramLabel = "S", description = "only jobs in this state")
    String status;

    Ls() {
      super("/api/v1/jobs", "ID", "NAME", "ALGORITHM", "STATUS", "PROGRESS", "CREATED", "WHY");
    }

    @Override
    Map<String, Object> filters() {
      return ApiClient.params("status", status);
    }

    @Override
    String[] row(JsonNode j) {
      String progress = j.path("progress").isNumber()
          ? ProgressFormat.percent(j.path("progress").asDouble()).trim() : "-";
      String why = j.path("statusReason").asText("");
      return new String[] {Json.text(j, "id"), Json.text(j, "name"), Json.text(j, "algorithm"),
          Json.text(j, "status"), progress, Json.text(j, "createdAt"),
          why.isEmpty() ? "" : Problems.oneLine(why)};
    }
  }

  @Command(name = "show", description = {"Show a job: state, why it waits, progress, final metrics,",
      "and, once placed, its members: rank, executor, workers, server", "shards, GPUs (if any), examples/s, bytes pushed and pulled."})
  static final class ShowJob extends ShowLeaf {
    ShowJob() {
      super(JobsCommand::path);
    }

    /** The job's fields, then its members as a table instead of one JSON line each. */
    @Override
    void printText(PrintStream out, JsonNode job) {
      JsonNode members = job.path("members");
      JsonNode rest = job;
      if (job.isObject()) {
        rest = job.deepCopy();
        ((ObjectNode) rest).remove("members");
      }
      Show.print(out, rest);
      Table table = JobView.members(members);
      if (table != null) {
        out.println("members:");
        table.print(out);
      }
    }
  }

  @Command(name = "cancel", description = "Cancel a queued or running job.")
  static final class Cancel extends Leaf {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      JsonNode j = api().json("POST", path(id) + "/cancel",
          java.net.http.HttpRequest.BodyPublishers.noBody(), null, Map.of());
      printResult(j, id + "  " + (j.isMissingNode() ? "cancel requested" : Json.text(j, "status")));
      return 0;
    }
  }

  @Command(name = "rm", aliases = "delete", description = "Delete an ended job: its events, metrics and checkpoints.")
  static final class Rm extends RmLeaf {
    Rm() {
      super(JobsCommand::path);
    }
  }
}
