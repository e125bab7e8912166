package trainyard.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import trainyard.api.platform.JsonText;

/**
 * A job as the REST API shows it. {@code memoryMb} is what each of its executors must offer (the
 * engine's estimate, {@code MemoryEstimate}); {@code members} (its current attempt's part on each executor,
 * by rank; empty before it is placed) is read for one job only: lists and other answers leave it
 * out.
 */
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
    Long memoryMb,
    @Schema(type = SchemaType.OBJECT, additionalProperties = Double.class, description = "metric name to value") JsonNode finalMetrics,
    String modelId,
    @Schema(description = "the study this job is a trial of") String studyId,
    @Schema(ref = "JobSpec", description = "the spec as the server read it, every default filled") JsonNode spec,
    Instant createdAt,
    Instant assignedAt,
    Instant startedAt,
    Instant finishedAt,
    Instant updatedAt,
    List<MemberView> members) {

  /** Without members. */
  public static JobView of(JobRow r) {
    return of(r, null);
  }

  static JobView of(JobRow r, List<MemberView> members) {
    return new JobView(r.id, r.name, r.algorithm, r.datasetId, r.validationDatasetId, r.status,
        r.statusReason, r.progress, r.epoch, r.attempt, r.priority, r.executorId, r.memoryMb,
        JsonText.tree(r.finalMetrics), r.modelId, r.studyId, JsonText.tree(r.specJson), r.createdAt,
        r.assignedAt, r.startedAt, r.finishedAt, r.updatedAt, members);
  }
}
