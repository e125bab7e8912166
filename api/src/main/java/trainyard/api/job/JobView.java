package trainyard.api.job;

import trainyard.api.platform.JsonText;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A job as the REST API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
    String id,
    String name,
    String algorithm,
    String datasetId,
    String validationDatasetId,
    String status,
    String statusReason,
    double progress,
    Integer epoch,
    int attempt,
    int priority,
    String executorId,
    JsonNode finalMetrics,
    String modelId,
    JsonNode spec,
    Instant createdAt,
    Instant assignedAt,
    Instant startedAt,
    Instant finishedAt,
    Instant updatedAt) {

  static JobView of(JobRow r) {
    return new JobView(r.id, r.name, r.algorithm, r.datasetId, r.validationDatasetId, r.status,
        r.statusReason, r.progress, r.epoch, r.attempt, r.priority, r.executorId,
        JsonText.tree(r.finalMetrics), r.modelId, JsonText.tree(r.specJson), r.createdAt,
        r.assignedAt, r.startedAt, r.finishedAt, r.updatedAt);
  }
}
