package trainyard.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import trainyard.engine.io.DiskFull;
import trainyard.spec.SpecException;

/**
 * Every error leaves as RFC 9457 problem+json with a stable {@code code}. Nothing from an
 * exception's class or stack reaches the client; unexpected errors are logged here with an id
 * the client also gets.
 */
public class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e) {
    Response answer = respond(e.problem());
    return e.retryAfterSeconds() == 0 ? answer
        : Response.fromResponse(answer).header("Retry-After", Long.toString(e.retryAfterSeconds())).build();
  }

  @ServerExceptionMapper
  public Response spec(SpecException e) {
    return respond(Problem.of(400, e.code(), "Invalid job spec", e.getMessage()).withField(e.field()));
  }

  @ServerExceptionMapper
  public Response json(JsonProcessingException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ApiException refused) {
        return api(refused); // the body itself was refused while read (LimitedBody), not its JSON
      }
    }
    return respond(Problem.of(400, "invalid_json", "Malformed JSON", "the request body is not valid JSON: "
        + e.getOriginalMessage()));
  }

  /** A body that is JSON but not of the shape asked for: which field, and what it must be. */
  @ServerExceptionMapper
  public Response shape(MismatchedInputException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    String field = path.toString();
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known = new ArrayList<>();
      for (Object id : u.getKnownPropertyIds()) {
        known.add(String.valueOf(id));
      }
      Collections.sort(known);
      return respond(Problem.of(400, "unknown_field", "Bad request", "unknown field \"" + u.getPropertyName()
          + "\"; allowed: " + String.join(", ", known)).withField(field));
    }
    String detail = field.isEmpty() ? "the request body must be " + kind(e.getTargetType())
        : field + " must be " + kind(e.getTargetType());
    return respond(Problem.of(400, "invalid_type", "Bad request", detail).withField(field));
  }

  /** What a JSON value of {@code type} is, in words. */
  private static String kind(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
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
    if (sqlState(e).startsWith("08")) {
      LOG.warnf("the database is unreachable: %s", e.getMessage());
      return Response.fromResponse(respond(Problem.of(503, "database_unavailable", "Service unavailable",
          "the server cannot reach its database, so this request failed; try it again shortly")))
          .header("Retry-After", "5").build();
    }
    if (DiskFull.causedBy(e)) {
      // One line each: a full disk answers every write alike, and its cause is not in our code.
      LOG.warnf("the disk is full, answered 507: %s", e);
      return respond(Problem.insufficientStorage("nothing of this request was kept"));
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
    return sqlState(e).equals("22021");
  }

  /** The SQLSTATE of the first SQLException among {@code e} and its causes; "" where none says one. */
  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "";
  }

  static Response respond(Problem p) {
    return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
  }
}
