package trainyard.api.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import java.lang.reflect.Method;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import trainyard.api.platform.TrainyardConfig;

/**
 * Holds every request body to {@code trainyard.limits.body-bytes} (413 {@code body_too_large}),
 * except a method marked {@link OwnBodyLimit}: a Content-Length past it is refused before the body
 * is read, and a body without one stops being read there. The server's own limit
 * ({@code quarkus.http.limits.max-body-size}) is the uploads' and so far too large for the rest.
 */
@ApplicationScoped // made when first called: the server builds its filters before the configuration is read
public class BodyLimit {
  @Inject TrainyardConfig config;

  @ServerRequestFilter(priority = Priorities.USER + 100)
  public void limit(ContainerRequestContext request, ResourceInfo resource) {
    Method method = resource.getResourceMethod();
    if (method == null || method.isAnnotationPresent(OwnBodyLimit.class)) {
      return;
    }
    long limit = config.limits().bodyBytes();
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length != null && isPast(length, limit)) {
      throw tooLarge(limit);
    }
    request.setEntityStream(new LimitedBody(request.getEntityStream(), limit, BodyLimit::tooLarge));
  }

  private static boolean isPast(String length, long limit) {
    try {
      return Long.parseLong(length.trim()) > limit;
    } catch (NumberFormatException e) {
      return false; // the server refuses a malformed Content-Length itself
    }
  }

  static ApiException tooLarge(long limit) {
    return new ApiException(413, "body_too_large", "Payload too large", "a request body holds at most " + limit
        + " bytes (trainyard.limits.body-bytes); datasets go through the uploads");
  }
}
