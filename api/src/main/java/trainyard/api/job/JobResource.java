package trainyard.api.job;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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
import trainyard.api.auth.Caller;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;
import trainyard.api.problem.ApiException;
import trainyard.api.problem.Params;

/** {@code /api/v1/jobs}: submit, list, read, follow and cancel training jobs. HTTP only. */
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {
  @Inject Caller caller;
  @Inject JobService jobs;
  @Inject EventStreams streams;

  /** 201 with the new job; 200 with the same job when an Idempotency-Key is replayed. */
  @POST
  @Consumes(MediaType.WILDCARD)
  public Response submit(String body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
    JobService.Submitted submitted = jobs.submit(caller.tenantId(), body, idempotencyKey);
    Response.ResponseBuilder response = submitted.created()
        ? Response.created(URI.create("/api/v1/jobs/" + submitted.job().id()))
        : Response.ok();
    return response.entity(submitted.job()).build();
  }

  @GET
  public Page<JobView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
      @QueryParam("status") String status) {
    return jobs.list(caller.tenantId(), PageRequest.of(limit, cursor), status);
  }

  @GET
  @Path("{id}")
  public JobView get(@PathParam("id") String id) {
    return jobs.get(caller.tenantId(), id);
  }

  @GET
  @Path("{id}/metrics")
  public List<MetricView> metrics(@PathParam("id") String id, @QueryParam("name") String name) {
    return jobs.metrics(caller.tenantId(), id, name);
  }

  /** Stored events after {@code after} (a seq), oldest first. */
  @GET
  @Path("{id}/events")
  public List<EventView> events(@PathParam("id") String id, @QueryParam("after") String after,
      @QueryParam("limit") String limit) {
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
  public void stream(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
      @Context SseEventSink sink, @Context Sse sse) {
    String tenantId = caller.tenantId();
    long after = lastEventId == null ? 0 : jobs.seqOf(tenantId, id, lastEventId);
    jobs.get(tenantId, id); // 404 before the stream opens
    streams.open(id, after, sink, sse);
  }

  /** 202: a queued job is CANCELLED at once, an assigned or running one when its executor stops. */
  @POST
  @Path("{id}/cancel")
  public Response cancel(@PathParam("id") String id) {
    return Response.accepted(jobs.cancel(caller.tenantId(), id)).build();
  }
}
