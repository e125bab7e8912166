package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/** Helpers for list answers. */
final class Lists {
  private Lists() {}

  /** Tells a person how to see the next page, on stderr so stdout stays a clean table. */
  static void moreHint(PrintStream err, JsonNode list) {
    JsonNode next = list.path("nextCursor");
    if (next.isTextual() && !next.asText().isEmpty()) {
      err.println("(more: --cursor " + next.asText() + ")");
    }
  }
}
