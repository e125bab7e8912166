package trainyard.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import trainyard.engine.spec.SpecException;

/**
 * Every error leaves as RFC 9457 problem+json with a stable {@code code}. Nothing from an
 * exception's class or stack reaches the client; unexpected errors are logged here with an id
 * the client also gets.
 */
public class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return respond(e.problem());
  }

  @ServerExceptionMapper
  public Response spec(SpecException e) {
    return respond(Problem.of(400, e.code(), "Invalid job spec", e.getMessage()).withField(e.field()));
  }

  @ServerExceptionMapper
  public Response json(JsonProcessingException e) {
    return respond(Problem.of(400, "invalid_json", "Malformed JSON", "the request body is not valid JSON: "
        + e.getOriginalMessage()));
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      return unexpected(e);
    }
    String reason = Response.Status.fromStatusCode(status) == null
        ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase();
    String code = reason.toLowerCase().replace(' ', '_');
    String detail = status == 404 ? "no such resource" : reason;
    if (e.getCause() instanceof JsonProcessingException j) {
      return json(j);
    }
    return respond(Problem.of(status, code, reason, detail));
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e) {
    if (isNulRefused(e)) {
      return respond(Problem.of(400, "invalid_characters", "Bad request",
          "names, ids and other text cannot hold the NUL character (U+0000)"));
    }
    String incident = Long.toHexString(System.nanoTime());
    LOG.errorf(e, "unexpected error, incident %s", incident);
    return respond(Problem.of(500, "internal", "Internal error",
        "the server failed to answer; incident " + incident + " is in its log"));
  }

  /**
   * Whether PostgreSQL refused a NUL in text (SQLSTATE 22021, "invalid byte sequence"): the one
   * character a Java string holds that no text column can, in a name or id from anywhere in a
   * request. The statement failed, so its transaction rolled back and nothing was written.
   */
  private static boolean isNulRefused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "22021".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  static Response respond(Problem p) {
    return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
  }
}
