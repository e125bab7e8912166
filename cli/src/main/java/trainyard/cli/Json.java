package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;

/** One shared ObjectMapper (thread-safe once configured) and lenient readers for API bodies. */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** Parses {@code text}; a body that is not JSON becomes a missing node, never an exception. */
  public static JsonNode parseLenient(String text) {
    if (text == null || text.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      return MissingNode.getInstance();
    }
  }

  public static String pretty(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot print JSON", e);
    }
  }

  /** A field as display text: "-" when absent or null. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return "-";
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }

  /** The rows of a list answer: {@code {"items": [...]}} or a bare array. */
  public static List<JsonNode> items(JsonNode list) {
    JsonNode array = list.isArray() ? list : list.path("items");
    List<JsonNode> rows = new ArrayList<>();
    array.forEach(rows::add);
    return rows;
  }
}
