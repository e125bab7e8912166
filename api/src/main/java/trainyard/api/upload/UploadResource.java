package trainyard.api.upload;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import trainyard.api.auth.Caller;
import trainyard.api.platform.JsonText;
import trainyard.api.problem.ApiException;

/** {@code /api/v1/uploads}: resumable uploads (docs/UPLOAD-PROTOCOL.md). HTTP only. */
@Path("/api/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public class UploadResource {
  @Inject Caller caller;
  @Inject UploadService uploads;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(UploadService.CreateRequest request) throws IOException {
    UploadView upload = uploads.create(caller.tenantId(), request);
    return Response.created(URI.create("/api/v1/uploads/" + upload.id())).entity(upload).build();
  }

  @GET
  @Path("{id}")
  public UploadView get(@PathParam("id") String id) {
    return uploads.get(caller.tenantId(), id);
  }

  @PUT
  @Path("{id}")
  @Consumes(MediaType.WILDCARD)
  public UploadView chunk(@PathParam("id") String id, @HeaderParam("Content-Range") String range,
      @HeaderParam("Content-Digest") String digest, InputStream body) throws IOException {
    return uploads.chunk(caller.tenantId(), id, range, digest, body);
  }

  /**
   * 202 with the dataset it became; again 202 with the same dataset when retried. The body, if
   * any, is {@code {"sha256": "..."}} for an upload created without one.
   */
  @POST
  @Path("{id}/complete")
  @Consumes(MediaType.WILDCARD)
  public Response complete(@PathParam("id") String id, String body) throws IOException {
    UploadService.Completed done = uploads.complete(caller.tenantId(), id, sha256Of(body));
    return Response.accepted(done.dataset())
        .location(URI.create("/api/v1/datasets/" + done.dataset().id())).build();
  }

  private static String sha256Of(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    JsonNode json;
    try {
      json = JsonText.tree(body);
    } catch (RuntimeException e) {
      json = null;
    }
    if (json == null || !json.isObject() || json.has("sha256") && !json.get("sha256").isTextual()) {
      throw ApiException.badRequest("invalid_upload", "the body must be empty or {\"sha256\": \"...\"}");
    }
    return json.has("sha256") ? json.get("sha256").asText() : null;
  }

  @DELETE
  @Path("{id}")
  public Response abort(@PathParam("id") String id) throws IOException {
    uploads.abort(caller.tenantId(), id);
    return Response.noContent().build();
  }
}
