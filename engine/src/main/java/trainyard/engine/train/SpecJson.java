package trainyard.engine.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import trainyard.engine.spec.JobSpec;

/** The spec as JSON for model provenance. Thread-safe. */
final class SpecJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SpecJson() {}

  static String of(JobSpec spec) {
    try {
      return MAPPER.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("spec cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
