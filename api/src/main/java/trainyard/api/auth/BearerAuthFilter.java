package trainyard.api.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import trainyard.api.problem.ApiException;

/** Every REST call needs {@code Authorization: Bearer <token>}; the token decides the tenant. */
public class BearerAuthFilter {
  private static final String PREFIX = "Bearer ";

  @Inject Tokens tokens;
  @Inject Caller caller;

  @ServerRequestFilter
  public void authenticate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/api/")) {
      return; // the dashboard's static files and the OpenAPI document are public
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw unauthorized("this call needs an Authorization: Bearer <token> header");
    }
    Tokens.Grant grant = tokens.verify(header.substring(PREFIX.length()).trim());
    if (grant == null) {
      throw unauthorized("the bearer token is not valid");
    }
    caller.set(grant.tenantId(), grant.admin());
  }

  private static ApiException unauthorized(String detail) {
    return new ApiException(401, "unauthorized", "Unauthorized", detail);
  }
}
