package trainyard.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import trainyard.api.platform.JsonText;

/** A stored job event as the REST API shows it; {@code id} is the event id, {@code seq} its order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventView(
    String id,
    long seq,
    String type,
    String state,
    String reason,
    Integer epoch,
    Long step,
    @Schema(type = SchemaType.OBJECT, additionalProperties = Double.class, description = "metric name to value") JsonNode metrics,
    Double progress,
    String message,
    String executorId,
    Instant time) {

  static EventView of(JobEventRow r) {
    return new EventView(r.eventId, r.seq, r.type, r.state, r.reason, r.epoch, r.step,
        JsonText.tree(r.metrics), r.progress, r.message, r.executorId, r.time);
  }

  boolean terminal() {
    return "STATE".equals(type) && state != null
        && trainyard.bus.JobState.valueOf(state).isTerminal();
  }
}
