package trainyard.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import trainyard.api.platform.JsonText;

/** A model as the REST API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelView(
    String id,
    String jobId,
    String algorithm,
    int hashBits,
    long keys,
    long sizeBytes,
    @Schema(type = SchemaType.OBJECT, additionalProperties = Double.class, description = "metric name to value") JsonNode finalMetrics,
    @Schema(type = SchemaType.OBJECT, description = "provenance: the spec, the dataset's checksum, the seed, the version") JsonNode info,
    Instant createdAt) {

  static ModelView of(ModelRow r, String finalMetricsJson) {
    return new ModelView(r.id, r.jobId, r.algorithm, r.hashBits, r.keys, r.bytes,
        JsonText.tree(finalMetricsJson), JsonText.tree(r.infoJson), r.createdAt);
  }
}
