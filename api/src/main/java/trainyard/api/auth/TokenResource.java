package trainyard.api.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import trainyard.api.page.Page;
import trainyard.api.problem.ApiException;

/**
 * Tokens: who am I; (admin only) a token for a tenant, created if new; the tokens one may see,
 * and revoking one (an admin: any; anyone else: its tenant's).
 */
@Path("/api/v1")
@Tag(name = "Tokens", description = "Who calls, and the tokens of tenants")
public class TokenResource {
  /** {@code tenant}: the tenant's name; {@code name}: a label for the token. */
  @Schema(additionalProperties = Schema.False.class, requiredProperties = "tenant")
  public record TokenRequest(String tenant, String name, Boolean admin) {}

  @Inject Caller caller;
  @Inject Tokens tokens;

  /** The tenant and token of the caller: lets a dashboard check a token at sign-in. */
  @GET
  @Path("whoami")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(operationId = "whoami", summary = "Who am I", description = "The tenant and token of the caller.")
  @APIResponse(responseCode = "200", description = "the caller", content = @Content(mediaType = MediaType.APPLICATION_JSON,
      example = "{\"tenant\": \"acme\", \"tenantId\": \"tn_0193a1b2c3d4e5f6a7b8c9\", \"tokenName\": \"ci\", \"admin\": false}",
      schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {"tenant", "tenantId", "tokenName", "admin"},
          properties = {
              @SchemaProperty(name = "tenant", type = SchemaType.STRING),
              @SchemaProperty(name = "tenantId", type = SchemaType.STRING),
              @SchemaProperty(name = "tokenName", type = SchemaType.STRING),
              @SchemaProperty(name = "admin", type = SchemaType.BOOLEAN)})))
  public Map<String, Object> whoami() {
    Tokens.Grant g = caller.grant();
    return Map.of("tenant", g.tenantName(), "tenantId", g.tenantId(), "tokenName", g.tokenName(), "admin", g.admin());
  }

  @POST
  @Path("tokens")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(operationId = "createToken", summary = "Create a token",
      description = "Admin only: a new token for a tenant, which is created if new. The token is shown once; only its "
          + "SHA-256 is stored.")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
      schema = @Schema(implementation = TokenRequest.class), example = "{\"tenant\": \"acme\", \"name\": \"ci\"}"))
  @APIResponse(responseCode = "201", description = "the token, shown this once",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Tokens.Issued.class)))
  @APIResponse(responseCode = "400", description = "`invalid_tenant`, `invalid_token_name`, `unknown_field`, `invalid_type`, `invalid_json`")
  @APIResponse(responseCode = "403", description = "`admin_required`")
  public Response create(TokenRequest request) {
    caller.requireAdmin();
    if (request == null || request.tenant() == null || !request.tenant().matches("[A-Za-z0-9_.-]{1,64}")) {
      throw ApiException.badRequest("invalid_tenant", "tenant must be 1..64 of A-Z a-z 0-9 _ . -");
    }
    String name = request.name() == null ? "token" : request.name();
    if (name.isBlank() || name.length() > 200) {
      throw ApiException.badRequest("invalid_token_name", "name must be 1..200 characters, not blank");
    }
    boolean admin = Boolean.TRUE.equals(request.admin());
    return Response.status(201).entity(tokens.issue(request.tenant(), name, admin)).build();
  }

  @GET
  @Path("tokens")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(operationId = "listTokens", summary = "List tokens",
      description = "An admin sees every token; anyone else its tenant's. Never the tokens themselves.")
  public Page<Tokens.TokenView> list() {
    // a page like every list, though tokens are few enough to come in one
    return new Page<>(tokens.list(caller.grant()), null);
  }

  @DELETE
  @Path("tokens/{id}")
  @Operation(operationId = "revokeToken", summary = "Revoke a token",
      description = "An admin may revoke any token, anyone else its tenant's: at once on this server, within 10 s on others.")
  @APIResponse(responseCode = "204", description = "revoked")
  @APIResponse(responseCode = "404", description = "`token_not_found`")
  public Response revoke(@PathParam("id") String id) {
    if (!tokens.revoke(caller.grant(), id)) {
      throw ApiException.notFound("token", id);
    }
    return Response.noContent().build();
  }
}
