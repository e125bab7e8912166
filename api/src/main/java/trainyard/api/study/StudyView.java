package trainyard.api.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import trainyard.api.platform.JsonText;

/**
 * A study as the REST API shows it. {@code trials} is read for one study only: lists leave it out.
 * {@code modelId} is the best trial's model, set when the study has SUCCEEDED.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StudyView(
    String id,
    String name,
    @Schema(enumeration = {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}) String status,
    String statusReason,
    @Schema(enumeration = {"random", "grid", "asha"}) String method,
    @Schema(description = "the objective's metric") String metric,
    @Schema(enumeration = {"minimize", "maximize"}) String direction,
    @Schema(description = "trials in all (the budget)") int budgetTrials,
    int maxParallel,
    @Schema(description = "the best succeeded trial so far") String bestJobId,
    Double bestObjective,
    String modelId,
    @Schema(type = SchemaType.OBJECT, description = "the study as the server read it, every default filled")
    JsonNode request,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt,
    @Schema(description = "every trial launched so far, by index (GET of one study only)") List<TrialView> trials) {

  static StudyView of(StudyRow r, Double bestObjective, List<TrialView> trials) {
    return new StudyView(r.id, r.name, r.status, r.statusReason, r.method, r.objectiveMetric,
        r.maximize ? "maximize" : "minimize", r.trials, r.maxParallel, r.bestJobId, bestObjective, r.modelId,
        JsonText.tree(r.requestJson), r.createdAt, r.updatedAt, r.finishedAt, trials);
  }
}
