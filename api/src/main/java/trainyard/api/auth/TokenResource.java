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
import trainyard.api.page.Page;
import trainyard.api.problem.ApiException;

/**
 * Tokens: who am I; (admin only) a token for a tenant, created if new; the tokens one may see,
 * and revoking one (an admin: any; anyone else: its tenant's).
 */
@Path("/api/v1")
public class TokenResource {
  /** {@code tenant}: the tenant's name; {@code name}: a label for the token. */
  public record TokenRequest(String tenant, String name, Boolean admin) {}

  @Inject Caller caller;
  @Inject Tokens tokens;

  /** The tenant and token of the caller: lets a dashboard check a token at sign-in. */
  @GET
  @Path("whoami")
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> whoami() {
    Tokens.Grant g = caller.grant();
    return Map.of("tenant", g.tenantName(), "tenantId", g.tenantId(), "tokenName", g.tokenName(), "admin", g.admin());
  }

  @POST
  @Path("tokens")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
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
  public Page<Tokens.TokenView> list() {
    // a page like every list, though tokens are few enough to come in one
    return new Page<>(tokens.list(caller.grant()), null);
  }

  @DELETE
  @Path("tokens/{id}")
  public Response revoke(@PathParam("id") String id) {
    if (!tokens.revoke(caller.grant(), id)) {
      throw ApiException.notFound("token", id);
    }
    return Response.noContent().build();
  }
}
