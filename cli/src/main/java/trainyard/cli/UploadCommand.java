package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trainyard datasets upload FILE}: resumable upload, then follow ingestion. */
@Command(name = "upload",
    description = {"Upload a dataset file (libsvm or csv, gzip accepted) and wait",
        "until it is READY, or print its bad lines. Large files go in",
        "checksummed chunks; if the upload is cut off, run the same command",
        "again and it goes on where it stopped (state: ~/.trainyard/uploads)."})
final class UploadCommand extends Leaf {
  @Parameters(paramLabel = "FILE")
  Path file;

  @Option(names = "--name", paramLabel = "N", description = "dataset name (default: the file name)")
  String name;

  @Option(names = "--format", paramLabel = "F",
      description = "libsvm or csv (default: from the file name; libsvm)")
  String format;

  @Option(names = "--no-wait", description = "return once uploaded; do not wait for ingestion")
  boolean noWait;

  @Option(names = "--no-resume", description = {"send the file in one streamed request, ingested while it",
      "arrives: faster, but a broken connection means starting over"})
  boolean noResume;

  @Option(names = "--chunk-size", hidden = true, paramLabel = "BYTES")
  int chunkSize = Uploader.DEFAULT_CHUNK;

  /** Test hook: behave as if the connection broke after this many bytes. */
  @Option(names = "--stop-after", hidden = true, paramLabel = "BYTES")
  long stopAfter = Long.MAX_VALUE;

  @Override
  public Integer call() {
    if (chunkSize < 1) {
      throw CliException.usage("--chunk-size must be >= 1, got " + chunkSize);
    }
    String n = name != null ? name : DatasetsCommand.nameOf(file);
    String f = format != null ? format : DatasetsCommand.formatOf(file);
    ApiClient api = api();
    UploadStateStore states = new UploadStateStore(root().settings().home().resolve("uploads"));
    Uploader uploader = new Uploader(api, states, console(), chunkSize, stopAfter);
    JsonNode dataset = uploader.upload(file, n, f, !noResume);
    String id = dataset.path("id").asText("");
    String status = dataset.path("status").asText("");
    boolean ended = status.equals("READY") || status.equals("FAILED");
    if (!ended && (noWait || id.isEmpty())) {
      printResult(dataset, summary(dataset));
      return 0;
    }
    JsonNode done = ended ? dataset : DatasetsCommand.awaitIngestion(api, console(), id);
    printResult(done, summary(done));
    if (done.path("status").asText().equals("FAILED")) {
      DatasetsCommand.printFailure(console().err(), done);
      return ExitCode.FAILED;
    }
    return 0;
  }

  /** One line for a person: the dataset and, once ingested, its statistics. */
  private static String summary(JsonNode d) {
    JsonNode s = d.path("stats");
    if (s.isObject()) {
      return Json.text(d, "id") + "  " + Json.text(d, "status") + "  rows " + Json.text(s, "rows")
          + "  features " + Json.text(s, "features") + "  non-zeros " + Json.text(s, "nonZeros")
          + "  positives " + Json.text(s, "positives") + "  negatives " + Json.text(s, "negatives");
    }
    return Json.text(d, "id") + "  " + Json.text(d, "status");
  }
}
