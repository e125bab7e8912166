package trainyard.api.quota;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import trainyard.api.auth.Caller;

/** {@code /api/v1/tenants/{tenant}/quota}: a tenant's limits and use; admins set them. */
@Path("/api/v1/tenants/{tenant}/quota")
@Tag(name = "Quotas", description = "Per-tenant limits on storage, jobs, uploads and GPUs")
@Produces(MediaType.APPLICATION_JSON)
public class QuotaResource {
  private static final String EXAMPLE = "{\"tenant\": \"acme\", \"storageBytes\": 10737418240, \"concurrentJobs\": 20, "
      + "\"openUploads\": 5, \"gpus\": 4, \"used\": {\"storageBytes\": 52428800, \"concurrentJobs\": 2, "
      + "\"openUploads\": 0, \"gpus\": 1}}";

  @Inject Caller caller;
  @Inject QuotaService quotas;

  @GET
  @Operation(operationId = "getQuota", summary = "Get a tenant's quota",
      description = "The limits in force (null: unlimited) and what the tenant uses now. An admin may read any "
          + "tenant's; anyone else only its own.")
  @APIResponse(responseCode = "200", description = "the quota and its use", content = @Content(
      mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = QuotaService.QuotaView.class),
      example = EXAMPLE))
  @APIResponse(responseCode = "404", description = "`tenant_not_found` (also another tenant's, for a non-admin)")
  public QuotaService.QuotaView get(@PathParam("tenant") String tenant) {
    return quotas.get(caller.grant(), tenant);
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "setQuota", summary = "Set a tenant's quota",
      description = "Admin only: replaces the tenant's own limits. A limit left out or null is the configured "
          + "default (trainyard.quota.*, unlimited when unset). Requests past a limit are answered 403 "
          + "`quota_exceeded` naming the quota; what is already stored or running is left alone.")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
      schema = @Schema(implementation = QuotaService.QuotaRequest.class),
      example = "{\"storageBytes\": 10737418240, \"concurrentJobs\": 20, \"openUploads\": 5, \"gpus\": 4}"))
  @APIResponse(responseCode = "200", description = "the quota now in force and its use", content = @Content(
      mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = QuotaService.QuotaView.class),
      example = EXAMPLE))
  @APIResponse(responseCode = "400", description = "`invalid_quota` (a negative limit), `unknown_field`, "
      + "`invalid_type`, `invalid_json`")
  @APIResponse(responseCode = "403", description = "`admin_required`")
  @APIResponse(responseCode = "404", description = "`tenant_not_found`")
  public QuotaService.QuotaView put(@PathParam("tenant") String tenant, QuotaService.QuotaRequest request) {
    caller.requireAdmin();
    return quotas.put(caller.grant(), tenant, request);
  }
}
