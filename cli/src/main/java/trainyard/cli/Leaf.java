package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that does something: reaches the root's settings and prints results. */
abstract class Leaf implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  TrainyardCommand root() {
    return (TrainyardCommand) spec.root().userObject();
  }

  ApiClient api() {
    return root().api();
  }

  Console console() {
    return root().console();
  }

  PrintStream out() {
    return console().out();
  }

  boolean json() {
    return root().json();
  }

  void printJson(JsonNode node) {
    out().println(Json.pretty(node));
  }

  /** A command's result: {@code node} for scripts with {@code --output json}, else {@code line}. */
  void printResult(JsonNode node, String line) {
    if (json()) {
      printJson(node);
    } else {
      out().println(line);
    }
  }
}
