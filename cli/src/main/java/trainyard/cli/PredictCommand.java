package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code trainyard predict MODEL FILE}: probabilities for libsvm rows, one per line. */
@Command(name = "predict", description = "Score libsvm rows with a model; prints one prediction per row.")
final class PredictCommand extends Leaf {
  @Parameters(index = "0", paramLabel = "MODEL")
  String model;

  @Parameters(index = "1", paramLabel = "FILE", description = "libsvm rows ('-' for stdin)")
  Path file;

  @Override
  public Integer call() {
    HttpRequest.BodyPublisher body;
    if (file.toString().equals("-")) {
      // read first, so that a request the server asks to send again (429, 503) can be
      try {
        body = HttpRequest.BodyPublishers.ofByteArray(System.in.readAllBytes());
      } catch (IOException e) {
        throw CliException.usage("cannot read stdin: " + e.getMessage());
      }
    } else {
      InputFiles.requireRegular(file);
      try {
        body = HttpRequest.BodyPublishers.ofFile(file);
      } catch (FileNotFoundException e) {
        throw CliException.usage("cannot read " + file + ": " + e.getMessage());
      }
    }
    JsonNode answer = api().json("POST", ModelsCommand.path(model) + "/predict", body,
        "text/plain", Map.of());
    if (json()) {
      printJson(answer);
      return 0;
    }
    JsonNode predictions = answer.isArray() ? answer : answer.path("predictions");
    for (JsonNode p : predictions) {
      out().println(p.asText());
    }
    return 0;
  }
}
