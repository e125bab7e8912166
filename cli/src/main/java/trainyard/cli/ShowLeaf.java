package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Parameters;

/**
 * A {@code show ID} command: one resource as aligned {@code key: value} lines for people, or the
 * server's JSON with {@code --output json}. A subclass says where a resource lives.
 * Not thread-safe: picocli builds one instance per run.
 */
abstract class ShowLeaf extends Leaf {
  @Parameters(paramLabel = "ID")
  String id;

  private final UnaryOperator<String> path;

  /** {@code path} maps an id to the resource's API path. */
  ShowLeaf(UnaryOperator<String> path) {
    this.path = path;
  }

  @Override
  public Integer call() {
    JsonNode resource = api().get(path.apply(id));
    if (json()) {
      printJson(resource);
    } else {
      printText(out(), resource);
    }
    return 0;
  }

  /** The resource for people; {@link Show#print} unless a subclass knows better. */
  void printText(PrintStream out, JsonNode resource) {
    Show.print(out, resource);
  }
}
