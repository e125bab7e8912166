package trainyard.api.job;

import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
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
import trainyard.api.problem.ApiException;
import trainyard.api.problem.Params;

/** {@code /api/v1/jobs}: submit, list, read, follow and cancel training jobs. HTTP only. */
@Path("/api/v1/jobs")
@Tag(name = "Jobs", description = "Training jobs: submit, follow, cancel")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {
  @Inject Caller caller;
  @Inject JobService jobs;
  @Inject EventStreams streams;
  @Inject JobRemoval removal;

  /** 201 with the new job; 200 with the same job when an Idempotency-Key is replayed. */
  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(operationId = "submitJob", summary = "Submit a job",
      description = "Checks the spec, the datasets and that some executor can hold the job, stores it QUEUED and "
          + "hands it to the scheduler. Send an Idempotency-Key to make retries safe.")
  @RequestBody(required = true, description = "the job spec; missing sections and fields take their defaults",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "JobSpec"),
          examples = @ExampleObject(name = "linear", summary = "a linear model with a held-out fifth",
              value = "{\"name\": \"ctr-lr\", \"algorithm\": \"linear\", \"dataset\": \"ds_0193a1b2c3d4e5f6a7b8c9\", "
                  + "\"validation\": {\"fraction\": 0.2}, \"params\": {\"learningRate\": 0.1, \"l1\": 1.0, \"epochs\": 3}}")))
  @APIResponse(responseCode = "201", description = "the new job, QUEUED",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
  @APIResponse(responseCode = "200", description = "the job an earlier call with this Idempotency-Key made",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
  @APIResponse(responseCode = "400", description = "the spec: `malformed_json`, `unknown_field`, `invalid_type`, "
      + "`missing_field`, `out_of_range`, `invalid_value`, each with its `field`; `hash_bits_mismatch`, "
      + "`validation_mismatch`, `invalid_idempotency_key`")
  @APIResponse(responseCode = "403", description = "`quota_exceeded`: past the tenant's `concurrentJobs` or `gpus` quota "
      + "(the problem's `quota`, `limit`, `used`)")
  @APIResponse(responseCode = "404", description = "`dataset_not_found` (field `dataset` or `validation.dataset`)")
  @APIResponse(responseCode = "409", description = "`dataset_not_ready`")
  @APIResponse(responseCode = "422", description = "`idempotency_key_reused` with another spec; `job_too_large`: "
      + "no executor offers the memory each of the job's executors needs; `dataset_shape` (field `dataset` or "
      + "`validation.dataset`): an mlp's data has feature ids past 2^20 or, for softmax, labels that are not class "
      + "indexes 0..9999")
  @APIResponse(responseCode = "503", description = "`bus_unavailable`: stored, and sent to the scheduler again later; "
      + "`database_unavailable`")
  public Response submit(String body, @Parameter(description = "1..200 characters; the same key again answers the "
      + "job it made") @HeaderParam("Idempotency-Key") String idempotencyKey) {
    JobService.Submitted submitted = jobs.submit(caller.tenantId(), body, idempotencyKey);
    Response.ResponseBuilder response = submitted.created()
        ? Response.created(URI.create("/api/v1/jobs/" + submitted.job().id()))
        : Response.ok();
    return response.entity(submitted.job()).build();
  }

  @GET
  @APIResponse(responseCode = "200", description = "a page of jobs")
  @Operation(operationId = "listJobs", summary = "List jobs", description = "The tenant's jobs, newest first, a page at a time.")
  @APIResponse(responseCode = "400", description = "`invalid_limit`, `invalid_cursor`, `invalid_status`")
  public Page<JobView> list(@Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200", defaultValue = "50")) @QueryParam("limit") String limit,
      @Parameter(description = "the nextCursor of the previous page") @QueryParam("cursor") String cursor,
      @Parameter(description = "only jobs in this state", schema = @Schema(type = SchemaType.STRING,
          enumeration = {"QUEUED", "ASSIGNED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}))
      @QueryParam("status") String status) {
    return jobs.list(caller.tenantId(), PageRequest.of(limit, cursor), status);
  }

  @GET
  @Path("{id}")
  @APIResponse(responseCode = "200", description = "the job")
  @Operation(operationId = "getJob", summary = "Get a job",
      description = "Its state, progress, final metrics and model, and where its members run.")
  @APIResponse(responseCode = "404", description = "`job_not_found`")
  public JobView get(@PathParam("id") String id) {
    return jobs.get(caller.tenantId(), id);
  }

  @GET
  @Path("{id}/metrics")
  @APIResponse(responseCode = "200", description = "the points, oldest first")
  @Operation(operationId = "getJobMetrics", summary = "Get a job's metrics",
      description = "Every point of its metric series, in order: train_loss, val_logloss, val_auc, val_accuracy, "
          + "val_rmse, examples_per_sec, and over several executors barrier_wait (the share of the members' "
          + "training time in the epoch spent waiting at its end for the slowest).")
  @APIResponse(responseCode = "404", description = "`job_not_found`")
  public List<MetricView> metrics(@PathParam("id") String id,
      @Parameter(description = "only this metric") @QueryParam("name") String name) {
    return jobs.metrics(caller.tenantId(), id, name);
  }

  /** Stored events after {@code after} (a seq), oldest first. */
  @GET
  @Path("{id}/events")
  @Operation(operationId = "getJobEvents", summary = "Get or follow a job's events",
      description = "With Accept: application/json, the stored events after `after`, oldest first. With Accept: "
          + "text/event-stream, a live stream: every stored event (after Last-Event-ID when given), then each new "
          + "one as it happens; it ends after the terminal state. Each SSE event has `id` (the event's id, for "
          + "Last-Event-ID), `event` (STATE, METRIC, PROGRESS, LOG, MODEL or MEMBER) and `data` (the event as JSON).")
  @APIResponse(responseCode = "200", description = "the events",
      content = {
          @Content(mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(type = SchemaType.ARRAY, implementation = EventView.class)),
          @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING,
              description = "text/event-stream: `id: <event id>`, `event: <type>`, `data: <the event as JSON>`"),
              example = "id: ev_0193a1b2c3d4e5f6a7b8c9\nevent: STATE\ndata: {\"id\":\"ev_0193a1b2c3d4e5f6a7b8c9\","
                  + "\"seq\":1,\"type\":\"STATE\",\"state\":\"QUEUED\"}\n\n")})
  @Parameter(name = "Last-Event-ID", in = ParameterIn.HEADER, schema = @Schema(type = SchemaType.STRING),
      description = "text/event-stream only: resume after this event id; every later event comes exactly once, in order")
  @APIResponse(responseCode = "400", description = "`invalid_after`, `invalid_limit`")
  @APIResponse(responseCode = "404", description = "`job_not_found`")
  @APIResponse(responseCode = "429", description = "`too_many_streams` (text/event-stream only): the tenant already "
      + "holds trainyard.limits.streams-per-tenant (16) streams open; Retry-After says when to try again",
      headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = SchemaType.INTEGER)))
  public List<EventView> events(@PathParam("id") String id,
      @Parameter(description = "the seq of the last event already read", schema = @Schema(type = SchemaType.INTEGER,
          format = "int64", minimum = "0", defaultValue = "0")) @QueryParam("after") String after,
      @Parameter(description = "at most this many events", schema = @Schema(type = SchemaType.INTEGER,
          minimum = "1", maximum = "10000", defaultValue = "1000")) @QueryParam("limit") String limit) {
    Long from = Params.whole("after", after, "invalid_after");
    Integer count = Params.integer("limit", limit, "invalid_limit");
    int l = count == null ? 1000 : count;
    if (l < 1 || l > 10_000) {
      throw ApiException.badRequest("invalid_limit", "limit must be in 1..10000, got " + l);
    }
    return jobs.events(caller.tenantId(), id, from == null ? 0 : from, l);
  }

  /**
   * The live stream: every stored event, then each new one as it arrives; ends after the
   * terminal state. {@code Last-Event-ID} resumes after that event.
   */
  @GET
  @Path("{id}/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(hidden = true) // one operation with getJobEvents, which describes both answers
  public void stream(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
      @Context SseEventSink sink, @Context Sse sse, @Context HttpServerResponse response) {
    String tenantId = caller.tenantId();
    long after = lastEventId == null ? 0 : jobs.seqOf(tenantId, id, lastEventId);
    jobs.get(tenantId, id); // 404 before the stream opens
    streams.open(tenantId, id, after, sink, sse, response::headWritten);
  }

  /** 202: a queued job is CANCELLED at once, an assigned or running one when its executor stops. */
  @POST
  @Path("{id}/cancel")
  @Operation(operationId = "cancelJob", summary = "Cancel a job",
      description = "A queued job is CANCELLED at once; an assigned or running one when its executor stops it.")
  @APIResponse(responseCode = "202", description = "the job, as it is now",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
  @APIResponse(responseCode = "404", description = "`job_not_found`")
  @APIResponse(responseCode = "409", description = "`job_finished`: it already ended")
  public Response cancel(@PathParam("id") String id) {
    return Response.accepted(jobs.cancel(caller.tenantId(), id, JobService.BY_USER)).build();
  }

  @DELETE
  @Path("{id}")
  @Operation(operationId = "deleteJob", summary = "Delete a job",
      description = "Deletes an ended job: its events, metrics, members and files (checkpoints).")
  @APIResponse(responseCode = "204", description = "deleted")
  @APIResponse(responseCode = "404", description = "`job_not_found`")
  @APIResponse(responseCode = "409", description = "`job_not_ended`: QUEUED, ASSIGNED or RUNNING (cancel it first); "
      + "`job_has_model`: the model it trained is kept (delete the model first)")
  public Response delete(@PathParam("id") String id) throws java.io.IOException {
    removal.delete(caller.tenantId(), id);
    return Response.noContent().build();
  }
}
