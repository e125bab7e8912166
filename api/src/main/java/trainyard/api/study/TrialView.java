package trainyard.api.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A trial as the REST API shows it: its job, its values and how it ended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialView(
    @Schema(description = "0, 1, … in launch order") int index,
    @Schema(description = "the trial's job: its curve is GET /api/v1/jobs/{jobId}/metrics") String jobId,
    @Schema(description = "the job's state, or STOPPED when the search stopped it early at a rung",
        enumeration = {"QUEUED", "ASSIGNED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "STOPPED"}) String state,
    @Schema(type = SchemaType.OBJECT, description = "parameter path to the trial's value") JsonNode params,
    @Schema(description = "the objective's latest value") Double objective,
    @Schema(description = "epochs done") Integer epoch,
    @Schema(description = "ASHA rungs it was promoted past") int rungsPassed,
    String modelId,
    String statusReason) {}
