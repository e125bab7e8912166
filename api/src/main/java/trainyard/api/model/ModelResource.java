package trainyard.api.model;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.Reader;
import java.util.List;
import java.util.Map;
import trainyard.api.auth.Caller;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;

/** {@code /api/v1/models}: trained models, their files, and predictions. HTTP only. */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {
  @Inject Caller caller;
  @Inject ModelService models;

  @GET
  public Page<ModelView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return models.list(caller.tenantId(), PageRequest.of(limit, cursor));
  }

  @GET
  @Path("{id}")
  public ModelView get(@PathParam("id") String id) {
    return models.get(caller.tenantId(), id);
  }

  @GET
  @Path("{id}/artifact")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  public Response artifact(@PathParam("id") String id) {
    java.nio.file.Path file = models.artifact(caller.tenantId(), id);
    return Response.ok(file.toFile())
        .header("Content-Disposition", "attachment; filename=\"" + id + ".bin\"")
        .build();
  }

  /** The body holds rows in libsvm (or {@code ?format=}); labels may be left out. */
  @POST
  @Path("{id}/predict")
  @Consumes(MediaType.WILDCARD)
  public Map<String, List<Float>> predict(@PathParam("id") String id, @QueryParam("format") String format,
      Reader rows) {
    return Map.of("predictions", models.predict(caller.tenantId(), id, new LimitedReader(rows, MAX_PREDICT_CHARS), format));
  }

  /** Predictions are parsed in memory: bigger batches belong in a dataset. */
  static final long MAX_PREDICT_CHARS = 16L << 20;
}
