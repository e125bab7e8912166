package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Parameters;

/**
 * An {@code rm ID} command: deletes one resource; prints "deleted ID", or {@code {"id", "deleted"}}
 * with {@code --output json}. A subclass says where a resource lives.
 * Not thread-safe: picocli builds one instance per run.
 */
abstract class RmLeaf extends Leaf {
  @Parameters(paramLabel = "ID")
  String id;

  private final UnaryOperator<String> path;

  /** {@code path} maps an id to the resource's API path. */
  RmLeaf(UnaryOperator<String> path) {
    this.path = path;
  }

  @Override
  public Integer call() {
    JsonNode answer = api().delete(path.apply(id));
    printResult(answer.isMissingNode()
        ? Json.MAPPER.createObjectNode().put("id", id).put("deleted", true) : answer,
        "deleted " + id);
    return 0;
  }
}
