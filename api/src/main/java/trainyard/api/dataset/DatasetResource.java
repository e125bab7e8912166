package trainyard.api.dataset;

import io.smallrye.common.annotation.Blocking;
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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import trainyard.api.auth.Caller;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;
import trainyard.api.problem.OwnBodyLimit;
import trainyard.api.problem.Params;

/** {@code /api/v1/datasets}: upload (the body is the file, streamed), list, read, delete. HTTP only. */
@Path("/api/v1/datasets")
@Tag(name = "Datasets", description = "Training data, ingested into shards as it arrives")
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
  @OwnBodyLimit // streamed to the blob store, within trainyard.upload.max-bytes
  @Operation(operationId = "uploadDataset", summary = "Upload a dataset",
      description = "The body is the file (libsvm, libffm or csv; gzip is detected), streamed and ingested while it "
          + "arrives. The answer comes once ingestion has ended. For big files over shaky connections use the "
          + "resumable uploads.")
  @RequestBody(required = true, description = "the file, as it is on disk",
      content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM,
          schema = @Schema(type = SchemaType.STRING, format = "binary"), example = "1 3:1 10:0.5 17:1\n0 2:1 10:0.25\n"))
  @APIResponse(responseCode = "201", description = "the READY dataset",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DatasetView.class)))
  @APIResponse(responseCode = "400", description = "`invalid_name`, `unknown_format`, `invalid_hash_bits`, "
      + "`empty_upload`, `upload_interrupted` (the body broke off), `invalid_characters`")
  @APIResponse(responseCode = "403", description = "`quota_exceeded`: past the tenant's `storageBytes` quota (the problem's "
      + "`quota`, `limit`, `used`)")
  @APIResponse(responseCode = "413", description = "`upload_too_large`: past trainyard.upload.max-bytes")
  @APIResponse(responseCode = "422", description = "`ingest_failed`: bad data; the dataset exists, FAILED, and the "
      + "answer names it (`datasetId`) and its first bad lines (`badLines`)")
  @APIResponse(responseCode = "429", description = "`ingest_busy`: the tenant's other uploads (or all tenants' "
      + "together) held every ingestion permit for trainyard.upload.ingest-wait; nothing was kept; send it again "
      + "after the Retry-After seconds", headers = @Header(name = "Retry-After",
      description = "seconds to wait before sending the file again", schema = @Schema(type = SchemaType.INTEGER)))
  @APIResponse(responseCode = "503", description = "`server_stopping`, `database_unavailable`")
  @APIResponse(responseCode = "507", description = "`insufficient_storage`: the server's disk is full")
  @Blocking // only until the future is made: the body is read on an ingest thread
  public CompletionStage<Response> upload(
      @Parameter(required = true, description = "the dataset's name, 1..200 characters",
          schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = 200)) @QueryParam("name") String name,
      @Parameter(description = "the file's format (docs/FORMATS.md); case-insensitive, named in lower case in answers",
          schema = @Schema(type = SchemaType.STRING, enumeration = {"libsvm", "libffm", "csv"}, defaultValue = "libsvm"))
      @QueryParam("format") String format,
      @Parameter(description = "0: keep feature ids; b: hash them into 2^b at ingestion",
          schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "40", defaultValue = "0"))
      @QueryParam("hashBits") String hashBits,
      @Parameter(hidden = true) @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length,
      @Context UriInfo uri, InputStream body) {
    DatasetService.UploadRequest request = DatasetService.UploadRequest.of(name, format,
        Params.integer("hashBits", hashBits, "invalid_hash_bits"));
    // absolute now: the answer is built on an ingest thread, outside the request's context
    String datasetsUri = uri.getAbsolutePath().toString();
    return datasets.upload(caller.tenantId(), request, body, length).thenApply(dataset ->
        Response.created(URI.create(datasetsUri + "/" + dataset.id())).entity(dataset).build());
  }

  @GET
  @APIResponse(responseCode = "200", description = "a page of datasets")
  @Operation(operationId = "listDatasets", summary = "List datasets", description = "The tenant's datasets, newest first, a page at a time.")
  @APIResponse(responseCode = "400", description = "`invalid_limit`, `invalid_cursor`")
  public Page<DatasetView> list(@Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200", defaultValue = "50")) @QueryParam("limit") String limit,
      @Parameter(description = "the nextCursor of the previous page") @QueryParam("cursor") String cursor) {
    return datasets.list(caller.tenantId(), PageRequest.of(limit, cursor));
  }

  @GET
  @Path("{id}")
  @APIResponse(responseCode = "200", description = "the dataset")
  @Operation(operationId = "getDataset", summary = "Get a dataset",
      description = "INGESTING, READY with its `stats`, or FAILED with its `error` and `badLines`.")
  @APIResponse(responseCode = "404", description = "`dataset_not_found`")
  public DatasetView get(@PathParam("id") String id) {
    return datasets.get(caller.tenantId(), id);
  }

  @DELETE
  @Path("{id}")
  @Operation(operationId = "deleteDataset", summary = "Delete a dataset", description = "Deletes its rows and files.")
  @APIResponse(responseCode = "204", description = "deleted")
  @APIResponse(responseCode = "404", description = "`dataset_not_found`")
  @APIResponse(responseCode = "409", description = "`dataset_busy` while it is ingested, `dataset_in_use` while a job refers to it")
  public Response delete(@PathParam("id") String id) throws IOException {
    datasets.delete(caller.tenantId(), id);
    return Response.noContent().build();
  }
}
