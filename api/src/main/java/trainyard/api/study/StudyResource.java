package trainyard.api.study;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import trainyard.api.auth.Caller;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;

/** {@code /api/v1/studies}: submit, list, read and cancel hyperparameter searches. HTTP only. */
@Path("/api/v1/studies")
@Tag(name = "Studies", description = "Hyperparameter searches whose trials are jobs: random, grid, ASHA")
@Produces(MediaType.APPLICATION_JSON)
public class StudyResource {
  private static final String EXAMPLE = "{\"name\": \"ctr-tune\", \"spec\": {\"algorithm\": \"linear\", "
      + "\"dataset\": \"ds_0193a1b2c3d4e5f6a7b8c9\", \"validation\": {\"fraction\": 0.2}, \"params\": {\"epochs\": 9}}, "
      + "\"space\": {\"params.learningRate\": {\"type\": \"float\", \"min\": 0.001, \"max\": 1, \"scale\": \"log\"}, "
      + "\"params.l2\": {\"type\": \"float\", \"min\": 0, \"max\": 1}, "
      + "\"algorithm\": {\"type\": \"choice\", \"values\": [\"linear\", \"fm\"]}}, "
      + "\"objective\": {\"metric\": \"val_logloss\", \"direction\": \"minimize\"}, "
      + "\"budget\": {\"trials\": 16, \"maxParallel\": 4}, \"method\": {\"type\": \"asha\", \"eta\": 2, \"minEpochs\": 2}, "
      + "\"seed\": 7}";

  @Inject Caller caller;
  @Inject StudyService studies;

  /** 201 with the new study; 200 with the same study when an Idempotency-Key is replayed. */
  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(operationId = "submitStudy", summary = "Submit a study",
      description = "Checks the request and every trial's job spec (the base spec with the trial's values), the "
          + "datasets and that some executor can hold each trial, stores the study and launches its first trials "
          + "as jobs of the study, at most `budget.maxParallel` at once. Send an Idempotency-Key to make retries safe.")
  @RequestBody(required = true, description = "`spec`: the base job spec (required). `space` (required): per "
      + "parameter, a dotted path into the spec, `{type: float|int, min, max, scale: linear|log (linear), points: "
      + "grid values (3)}` or `{type: choice, values: [...]}`. `objective`: `{metric: val_logloss|val_auc|"
      + "val_accuracy|val_rmse|train_loss, direction: minimize|maximize}` (required; direction defaults by metric). "
      + "`budget`: `{trials (10; a grid runs its every point), maxParallel (1)}`. `method`: `{type: random|grid|asha "
      + "(random), eta (2) and minEpochs (a quarter of the spec's epochs, at least 1) for asha}`. `seed` (1): random and ASHA draw the same trials for the "
      + "same seed. `name`: the base spec's name by default.",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT),
          examples = @ExampleObject(name = "asha", summary = "16 trials of ASHA, 4 at once", value = EXAMPLE)))
  @APIResponse(responseCode = "201", description = "the new study with its first trials",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StudyView.class)))
  @APIResponse(responseCode = "200", description = "the study an earlier call with this Idempotency-Key made",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StudyView.class)))
  @APIResponse(responseCode = "400", description = "`malformed_json`, `unknown_field`, `invalid_type`, "
      + "`missing_field`, `out_of_range`, `invalid_value`, each with its `field` (`space.params.learningRate`, "
      + "`spec.params.batchSize`, `budget.trials`, ...; a trial's spec the job spec refuses names the parameter); "
      + "`hash_bits_mismatch`, `validation_mismatch`, `invalid_idempotency_key`")
  @APIResponse(responseCode = "404", description = "`dataset_not_found` (field `spec.dataset` or `spec.validation.dataset`)")
  @APIResponse(responseCode = "409", description = "`dataset_not_ready`")
  @APIResponse(responseCode = "422", description = "`idempotency_key_reused` with another request; `job_too_large`: "
      + "no executor offers the memory a trial needs")
  public Response submit(String body, @Parameter(description = "1..200 characters; the same key again answers the "
      + "study it made") @HeaderParam("Idempotency-Key") String idempotencyKey) {
    StudyService.Submitted submitted = studies.submit(caller.tenantId(), body, idempotencyKey);
    Response.ResponseBuilder response = submitted.created()
        ? Response.created(URI.create("/api/v1/studies/" + submitted.study().id()))
        : Response.ok();
    return response.entity(submitted.study()).build();
  }

  @GET
  @Operation(operationId = "listStudies", summary = "List studies",
      description = "The tenant's studies, newest first, a page at a time, without their trials.")
  @APIResponse(responseCode = "200", description = "a page of studies")
  @APIResponse(responseCode = "400", description = "`invalid_limit`, `invalid_cursor`, `invalid_status`")
  public Page<StudyView> list(@Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER,
      minimum = "1", maximum = "200", defaultValue = "50")) @QueryParam("limit") String limit,
      @Parameter(description = "the nextCursor of the previous page") @QueryParam("cursor") String cursor,
      @Parameter(description = "only studies in this state", schema = @Schema(type = SchemaType.STRING,
          enumeration = {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}))
      @QueryParam("status") String status) {
    return studies.list(caller.tenantId(), PageRequest.of(limit, cursor), status);
  }

  @GET
  @Path("{id}")
  @Operation(operationId = "getStudy", summary = "Get a study",
      description = "Its state, every trial (state, parameters, objective; STOPPED: stopped early by ASHA), the best "
          + "trial so far and, once it SUCCEEDED, its model (the best trial's).")
  @APIResponse(responseCode = "200", description = "the study with its trials")
  @APIResponse(responseCode = "404", description = "`study_not_found`")
  public StudyView get(@PathParam("id") String id) {
    return studies.get(caller.tenantId(), id);
  }

  @POST
  @Path("{id}/cancel")
  @Operation(operationId = "cancelStudy", summary = "Cancel a study",
      description = "Ends the study CANCELLED and cancels every trial still queued or running (as a job cancel does).")
  @APIResponse(responseCode = "202", description = "the study, as it is now",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StudyView.class)))
  @APIResponse(responseCode = "404", description = "`study_not_found`")
  @APIResponse(responseCode = "409", description = "`study_finished`: it already ended")
  public Response cancel(@PathParam("id") String id) {
    return Response.accepted(studies.cancel(caller.tenantId(), id)).build();
  }
}
