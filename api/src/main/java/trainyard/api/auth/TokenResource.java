package trainyard.api.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import trainyard.api.problem.ApiException;

/** Admin only: makes a token for a tenant (created if new). */
@Path("/api/v1/tokens")
public class TokenResource {
  /** {@code tenant}: the tenant's name; {@code name}: a label for the token. */
  public record TokenRequest(String tenant, String name, Boolean admin) {}

  @Inject Caller caller;
  @Inject Tokens tokens;

  @POST
  public Response create(TokenRequest request) {
    caller.requireAdmin();
    if (request == null || request.tenant() == null || !request.tenant().matches("[A-Za-z0-9_.-]{1,64}")) {
      throw ApiException.badRequest("invalid_tenant", "tenant must be 1..64 of A-Z a-z 0-9 _ . -");
    }
    String name = request.name() == null ? "token" : request.name();
    boolean admin = Boolean.TRUE.equals(request.admin());
    return Response.status(201).entity(tokens.issue(request.tenant(), name, admin)).build();
  }
}
