package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code trainyard executors}: the executor pool from its latest heartbeats, what each has free,
 * then every GPU with the job holding it. Not thread-safe: picocli builds one instance per run.
 */
@Command(name = "executors", description = "List the executors, what they have free, and their GPUs.")
final class ExecutorsCommand extends Leaf {
  private static final long MIB = 1024 * 1024;

  @Override
  public Integer call() {
    JsonNode pool = api().get("/api/v1/executors");
    if (json()) {
      printJson(pool);
      return 0;
    }
    List<JsonNode> executors = Json.items(pool);
    Table table = new Table("ID", "FREE CORES", "FREE MEMORY", "FREE GPUS", "JOBS", "LAST SEEN");
    Table gpus = new Table("EXECUTOR", "GPU", "NAME", "MEMORY", "COMPUTE", "JOB");
    boolean anyGpu = false;
    for (JsonNode e : executors) {
      table.row(Json.text(e, "id"), free(e, "freeCores", "cores"),
          ProgressFormat.bytes(e.path("freeMemoryMb").asLong() * MIB) + " of "
              + ProgressFormat.bytes(e.path("memoryMb").asLong() * MIB),
          free(e, "freeGpus", "gpus"), Json.text(e, "runningJobs"), Json.text(e, "lastSeen"));
      for (JsonNode g : e.path("devices")) {
        anyGpu = true;
        gpus.row(Json.text(e, "id"), Json.text(g, "ordinal"), Json.text(g, "name"),
            ProgressFormat.bytes(g.path("memoryMb").asLong() * MIB), Json.text(g, "computeCapability"),
            Json.text(g, "jobId"));
      }
    }
    table.print(out());
    if (anyGpu) {
      out().println();
      out().println("gpus:");
      gpus.print(out());
    }
    return 0;
  }

  /** "13 of 16". */
  private static String free(JsonNode e, String free, String total) {
    return Json.text(e, free) + " of " + Json.text(e, total);
  }
}
