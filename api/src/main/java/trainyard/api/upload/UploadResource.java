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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import trainyard.api.auth.Caller;
import trainyard.api.dataset.DatasetView;
import trainyard.api.platform.JsonText;
import trainyard.api.problem.ApiException;
import trainyard.api.problem.OwnBodyLimit;

/** {@code /api/v1/uploads}: resumable uploads (docs/UPLOAD-PROTOCOL.md). HTTP only. */
@Path("/api/v1/uploads")
@Tag(name = "Uploads", description = "Resumable uploads of big files, in chunks (docs/UPLOAD-PROTOCOL.md)")
@Produces(MediaType.APPLICATION_JSON)
public class UploadResource {
  @Inject Caller caller;
  @Inject UploadService uploads;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "createUpload", summary = "Start a resumable upload",
      description = "Declares the file; its chunks follow with PUT, in order, and POST .../complete makes it a dataset.")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
      schema = @Schema(implementation = UploadService.CreateRequest.class),
      example = "{\"name\": \"big\", \"format\": \"libsvm\", \"size\": 1073741824}"))
  @APIResponse(responseCode = "201", description = "the open upload: `received` 0 and the largest chunk it takes",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UploadView.class)))
  @APIResponse(responseCode = "400", description = "`invalid_upload`, `invalid_name`, `unknown_format`, "
      + "`invalid_hash_bits`, `unknown_field`, `invalid_type`, `invalid_json`")
  @APIResponse(responseCode = "403", description = "`quota_exceeded`: past the tenant's `openUploads` or `storageBytes` "
      + "quota (the problem's `quota`, `limit`, `used`)")
  @APIResponse(responseCode = "413", description = "`upload_too_large`: size past trainyard.upload.max-bytes; "
      + "`body_too_large`: this request's body past trainyard.limits.body-bytes (1 MiB)")
  @APIResponse(responseCode = "507", description = "`insufficient_storage`")
  public Response create(UploadService.CreateRequest request) throws IOException {
    UploadView upload = uploads.create(caller.tenantId(), request);
    return Response.created(URI.create("/api/v1/uploads/" + upload.id())).entity(upload).build();
  }

  @GET
  @Path("{id}")
  @APIResponse(responseCode = "200", description = "the upload")
  @Operation(operationId = "getUpload", summary = "Get an upload",
      description = "Where it stands: `received` is where the next chunk starts.")
  @APIResponse(responseCode = "404", description = "`upload_not_found`")
  @APIResponse(responseCode = "410", description = "`upload_expired`: no chunk came for trainyard.upload.expire-after; "
      + "its bytes are deleted, start a new upload")
  public UploadView get(@PathParam("id") String id) {
    return uploads.get(caller.tenantId(), id);
  }

  @PUT
  @Path("{id}")
  @Consumes(MediaType.WILDCARD)
  @OwnBodyLimit // streamed to the blob store, within the upload's maxChunkBytes
  @Operation(operationId = "putUploadChunk", summary = "Send a chunk",
      description = "The bytes of Content-Range, which must start at `received`. The chunk counts once it is all on disk.")
  @RequestBody(required = true, description = "the chunk's bytes", content = @Content(
      mediaType = MediaType.APPLICATION_OCTET_STREAM, schema = @Schema(type = SchemaType.STRING, format = "binary"),
      example = "1 3:1 10:0.5 17:1\n0 2:1 10:0.25\n"))
  @APIResponse(responseCode = "200", description = "the upload, `received` advanced",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UploadView.class)))
  @APIResponse(responseCode = "400", description = "`content_range_invalid`, `content_digest_invalid`, `chunk_digest_mismatch`")
  @APIResponse(responseCode = "404", description = "`upload_not_found`")
  @APIResponse(responseCode = "410", description = "`upload_expired`: no chunk came for trainyard.upload.expire-after; "
      + "its bytes are deleted, start a new upload")
  @APIResponse(responseCode = "409", description = "`upload_offset_mismatch` (the problem's `received` says where to "
      + "resume), `upload_not_open`")
  @APIResponse(responseCode = "413", description = "`chunk_too_large`: past the upload's maxChunkBytes")
  @APIResponse(responseCode = "422", description = "`ingest_failed`: the data so far has bad lines")
  @APIResponse(responseCode = "507", description = "`insufficient_storage`")
  public UploadView chunk(@PathParam("id") String id,
      @Parameter(required = true, description = "bytes <first>-<last>/<size>", example = "bytes 0-8388607/1073741824")
      @HeaderParam("Content-Range") String range,
      @Parameter(description = "sha-256=:<base64>: or crc32c=:<base64 of 4 bytes, big-endian>: of the chunk")
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
  @Operation(operationId = "completeUpload", summary = "Complete an upload",
      description = "Checks the whole file's SHA-256 and makes it a dataset, INGESTING until it is READY or FAILED. "
          + "Safe to retry.")
  @RequestBody(description = "empty, or the file's SHA-256 when the upload was created without it",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT,
          properties = @SchemaProperty(name = "sha256", type = SchemaType.STRING, pattern = "^[0-9a-f]{64}$")),
          example = "{\"sha256\": \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}"))
  @APIResponse(responseCode = "202", description = "the dataset it became",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DatasetView.class)))
  @APIResponse(responseCode = "400", description = "`invalid_upload`, `checksum_missing`")
  @APIResponse(responseCode = "404", description = "`upload_not_found`")
  @APIResponse(responseCode = "410", description = "`upload_expired`: no chunk came for trainyard.upload.expire-after; "
      + "its bytes are deleted, start a new upload")
  @APIResponse(responseCode = "409", description = "`upload_incomplete` (the problem's `received`), `upload_not_open`")
  @APIResponse(responseCode = "422", description = "`upload_checksum_mismatch`, `ingest_failed`")
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
  @Operation(operationId = "abortUpload", summary = "Abort an upload", description = "Drops an open upload and its bytes.")
  @APIResponse(responseCode = "204", description = "aborted")
  @APIResponse(responseCode = "404", description = "`upload_not_found`")
  @APIResponse(responseCode = "410", description = "`upload_expired`: no chunk came for trainyard.upload.expire-after; "
      + "its bytes are deleted, start a new upload")
  @APIResponse(responseCode = "409", description = "`upload_not_open`")
  public Response abort(@PathParam("id") String id) throws IOException {
    uploads.abort(caller.tenantId(), id);
    return Response.noContent().build();
  }
}
