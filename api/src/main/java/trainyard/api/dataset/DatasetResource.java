package trainyard.api.dataset;

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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import trainyard.api.auth.Caller;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;
import trainyard.api.problem.Params;

/** {@code /api/v1/datasets}: upload (the body is the file, streamed), list, read, delete. HTTP only. */
@Path("/api/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {
  @Inject Caller caller;
  @Inject DatasetService datasets;

  /**
   * Ingests the body while it arrives; answers once ingestion has ended: 201 with the READY
   * dataset, or 422 {@code ingest_failed} with the dataset id and its bad lines (the dataset is
   * FAILED). A body that breaks off leaves no dataset (413 past the size limit).
   */
  @POST
  @Consumes(MediaType.WILDCARD)
  public Response upload(@QueryParam("name") String name, @QueryParam("format") String format,
      @QueryParam("hashBits") String hashBits, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length,
      InputStream body) {
    DatasetService.UploadRequest request = DatasetService.UploadRequest.of(name, format,
        Params.integer("hashBits", hashBits, "invalid_hash_bits"));
    DatasetView dataset = datasets.upload(caller.tenantId(), request, body, length);
    return Response.created(URI.create("/api/v1/datasets/" + dataset.id())).entity(dataset).build();
  }

  @GET
  public Page<DatasetView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return datasets.list(caller.tenantId(), PageRequest.of(limit, cursor));
  }

  @GET
  @Path("{id}")
  public DatasetView get(@PathParam("id") String id) {
    return datasets.get(caller.tenantId(), id);
  }

  @DELETE
  @Path("{id}")
  public Response delete(@PathParam("id") String id) throws IOException {
    datasets.delete(caller.tenantId(), id);
    return Response.noContent().build();
  }
}
