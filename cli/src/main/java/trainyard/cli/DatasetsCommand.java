package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code trainyard datasets ls|show|rm|upload}. */
@Command(name = "datasets", description = "List, show, delete and upload datasets.",
    subcommands = {DatasetsCommand.Ls.class, DatasetsCommand.ShowDataset.class,
        DatasetsCommand.Rm.class, UploadCommand.class})
final class DatasetsCommand extends Group {

  static String path(String id) {
    return "/api/v1/datasets/" + ApiClient.seg(id);
  }

  @Command(name = "ls", aliases = "list", description = "List datasets, newest first.")
  static final class Ls extends ListLeaf {
    Ls() {
      super("/api/v1/datasets", "ID", "NAME", "FORMAT", "STATUS", "ROWS", "FEATURES", "CREATED");
    }

    @Override
    String[] row(JsonNode d) {
      JsonNode stats = d.path("stats");
      return new String[] {Json.text(d, "id"), Json.text(d, "name"), Json.text(d, "format"),
          Json.text(d, "status"), Json.text(stats, "rows"), Json.text(stats, "features"),
          Json.text(d, "createdAt")};
    }
  }

  @Command(name = "show", description = "Show a dataset: status, statistics, bad lines.")
  static final class ShowDataset extends ShowLeaf {
    ShowDataset() {
      super(DatasetsCommand::path);
    }
  }

  @Command(name = "rm", aliases = "delete", description = "Delete a dataset.")
  static final class Rm extends RmLeaf {
    Rm() {
      super(DatasetsCommand::path);
    }
  }

  /**
   * Waits for ingestion; returns the final dataset (READY or FAILED). A 503 (the server's database
   * briefly out of reach) is waited out by {@link ApiClient}: the ingestion goes on meanwhile.
   */
  static JsonNode awaitIngestion(ApiClient api, Console console, String id) {
    String last = "";
    while (true) {
      JsonNode d = api.get(path(id));
      String status = d.path("status").asText("");
      if (!status.equals(last)) {
        console.err().println("dataset " + id + ": " + status);
        last = status;
      }
      if (status.equals("READY") || status.equals("FAILED")) {
        return d;
      }
      console.pause(200);
    }
  }

  /** Prints why ingestion failed: the error and the first bad lines, one per line. */
  static void printFailure(PrintStream err, JsonNode d) {
    String error = Json.text(d, "error");
    err.println("error: dataset " + Json.text(d, "id") + " FAILED" + (error.equals("-") ? "" : ": " + error));
    for (JsonNode b : d.path("badLines")) {
      StringBuilder sb = new StringBuilder("  line ").append(Json.text(b, "line"));
      if (b.hasNonNull("column")) {
        sb.append(", column ").append(b.get("column").asText());
      }
      sb.append(": ").append(Json.text(b, "reason"));
      if (b.hasNonNull("text")) {
        sb.append("  | ").append(Problems.oneLine(b.get("text").asText()));
      }
      err.println(sb);
    }
  }

  /** The format implied by a file name: .csv is csv, anything else libsvm (.gz ignored). */
  static String formatOf(Path file) {
    String n = stripGz(file.getFileName().toString().toLowerCase(Locale.ROOT));
    return n.endsWith(".csv") ? "csv" : "libsvm";
  }

  /** A dataset name from a file name: {@code clicks.libsvm.gz} is {@code clicks}. */
  static String nameOf(Path file) {
    String n = stripGz(file.getFileName().toString());
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  private static String stripGz(String n) {
    return n.toLowerCase(Locale.ROOT).endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
  }
}
