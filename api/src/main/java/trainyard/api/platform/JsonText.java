package trainyard.api.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** JSON kept as text in PostgreSQL columns. Thread-safe. */
public final class JsonText {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
      .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

  private JsonText() {}

  public static JsonNode tree(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON column does not parse: " + e.getOriginalMessage(), e);
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A stored JSON array as a list of {@code type}; empty for null. */
  public static <T> List<T> list(String json, Class<T> type) {
    if (json == null) {
      return List.of();
    }
    try {
      return MAPPER.readValue(json, MAPPER.getTypeFactory().constructCollectionType(List.class, type));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON column does not parse: " + e.getOriginalMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(String json) {
    if (json == null) {
      return new java.util.TreeMap<>();
    }
    try {
      return new java.util.TreeMap<>(MAPPER.readValue(json, Map.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON column does not parse: " + e.getOriginalMessage(), e);
    }
  }
}
