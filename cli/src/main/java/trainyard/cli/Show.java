package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.Map;

/** Prints one resource as aligned {@code key: value} lines, nested objects indented. */
final class Show {
  private Show() {}

  static void print(PrintStream out, JsonNode node) {
    print(out, node, "");
  }

  private static void print(PrintStream out, JsonNode node, String indent) {
    int width = 0;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      width = Math.max(width, it.next().length());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String key = indent + e.getKey() + ":";
      if (v.isObject() && v.size() > 0) {
        out.println(key);
        print(out, v, indent + "  ");
      } else if (v.isArray() && v.size() > 0 && v.get(0).isObject()) {
        out.println(key);
        for (JsonNode item : v) {
          out.println(indent + "  - " + item);
        }
      } else {
        String text = v.isNull() ? "-" : v.isValueNode() ? v.asText() : v.toString();
        out.println(key + " ".repeat(width - e.getKey().length() + 1) + text);
      }
    }
  }
}
