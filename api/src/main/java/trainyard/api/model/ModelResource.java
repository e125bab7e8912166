package trainyard.api.model;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import trainyard.api.auth.Caller;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;
import trainyard.api.platform.TrainyardConfig;
import trainyard.api.problem.ApiException;
import trainyard.api.problem.LimitedBody;
import trainyard.api.problem.OwnBodyLimit;

/** {@code /api/v1/models}: trained models, their files, and predictions. HTTP only. */
@Path("/api/v1/models")
@Tag(name = "Models", description = "What jobs trained: their files and predictions")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {
  @Inject Caller caller;
  @Inject ModelService models;
  @Inject TrainyardConfig config;

  @GET
  @APIResponse(responseCode = "200", description = "a page of models")
  @Operation(operationId = "listModels", summary = "List models", description = "The tenant's models, newest first, a page at a time.")
  @APIResponse(responseCode = "400", description = "`invalid_limit`, `invalid_cursor`")
  public Page<ModelView> list(@Parameter(description = "page size", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200", defaultValue = "50")) @QueryParam("limit") String limit,
      @Parameter(description = "the nextCursor of the previous page") @QueryParam("cursor") String cursor) {
    return models.list(caller.tenantId(), PageRequest.of(limit, cursor));
  }

  @GET
  @Path("{id}")
  @APIResponse(responseCode = "200", description = "the model")
  @Operation(operationId = "getModel", summary = "Get a model",
      description = "Its algorithm, hashBits, size, final metrics and provenance (`info`: spec, dataset checksum, seed, version).")
  @APIResponse(responseCode = "404", description = "`model_not_found`")
  public ModelView get(@PathParam("id") String id) {
    return models.get(caller.tenantId(), id);
  }

  @GET
  @Path("{id}/artifact")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @Operation(operationId = "downloadModel", summary = "Download a model's file",
      description = "The model file (docs/MODEL-FORMAT.md), as an attachment named <id>.bin.")
  @APIResponse(responseCode = "200", description = "the model file",
      content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM, schema = @Schema(type = SchemaType.STRING, format = "binary")))
  @APIResponse(responseCode = "404", description = "`model_not_found`, `artifact_not_found`")
  public Response artifact(@PathParam("id") String id) {
    java.nio.file.Path file = models.artifact(caller.tenantId(), id);
    return Response.ok(file.toFile())
        .header("Content-Disposition", "attachment; filename=\"" + id + ".bin\"")
        .build();
  }

  @DELETE
  @Path("{id}")
  @Operation(operationId = "deleteModel", summary = "Delete a model",
      description = "Deletes the model and its file; its job then shows no `modelId` and may be deleted too.")
  @APIResponse(responseCode = "204", description = "deleted")
  @APIResponse(responseCode = "404", description = "`model_not_found`")
  public Response delete(@PathParam("id") String id) throws java.io.IOException {
    models.delete(caller.tenantId(), id);
    return Response.noContent().build();
  }

  /** The body holds rows in libsvm (or {@code ?format=}); labels may be left out. */
  @POST
  @Path("{id}/predict")
  @Consumes(MediaType.WILDCARD)
  @OwnBodyLimit // trainyard.limits.predict-bytes
  @Operation(operationId = "predict", summary = "Predict",
      description = "Scores rows with the model: its outputs for every row, in order (one a row: a probability for "
          + "logistic models, a score otherwise; a softmax model's one per class). Bigger batches belong in a dataset.")
  @RequestBody(required = true, description = "rows in the format of ?format=, one a line; labels may be left out",
      content = @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = SchemaType.STRING),
          example = "1:1 5:1 9:1\n2:1 3:1\n"))
  @APIResponse(responseCode = "200", description = "the predictions", content = @Content(
      mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Predictions.class),
      example = "{\"predictions\": [0.81, 0.12]}"))
  @APIResponse(responseCode = "400", description = "`unknown_format`, `invalid_rows`")
  @APIResponse(responseCode = "404", description = "`model_not_found`, `artifact_not_found`")
  @APIResponse(responseCode = "413", description = "`predict_too_large`: a body past trainyard.limits.predict-bytes "
      + "(16 MiB), or more predictions (rows × the model's outputs) than trainyard.limits.predict-outputs (1048576)")
  public Predictions predict(@PathParam("id") String id,
      @Parameter(description = "the rows' format; case-insensitive", schema = @Schema(type = SchemaType.STRING,
          enumeration = {"libsvm", "libffm", "csv"}, defaultValue = "libsvm")) @QueryParam("format") String format,
      InputStream body) {
    InputStream rows = new LimitedBody(body, config.limits().predictBytes(), limit -> new ApiException(413,
        "predict_too_large", "Payload too large", "a predict request holds at most " + limit
        + " bytes (trainyard.limits.predict-bytes); ingest bigger batches as a dataset"));
    return new Predictions(models.predict(caller.tenantId(), id, new InputStreamReader(rows, StandardCharsets.UTF_8),
        format));
  }

  /** One prediction per row (a softmax model's one per class), in the rows' order. */
  public record Predictions(@Schema(required = true) List<Float> predictions) {}
}
