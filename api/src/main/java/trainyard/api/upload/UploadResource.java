package trainyard.api.upload;

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

  /** 202 with the dataset it became; again 202 with the same dataset when retried. */
  @POST
  @Path("{id}/complete")
  public Response complete(@PathParam("id") String id) throws IOException {
    UploadService.Completed done = uploads.complete(caller.tenantId(), id);
    return Response.accepted(done.dataset())
        .location(URI.create("/api/v1/datasets/" + done.dataset().id())).build();
  }

  @DELETE
  @Path("{id}")
  public Response abort(@PathParam("id") String id) throws IOException {
    uploads.abort(caller.tenantId(), id);
    return Response.noContent().build();
  }
}
