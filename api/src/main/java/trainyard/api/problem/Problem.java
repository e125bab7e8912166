package trainyard.api.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem body. {@code code} is stable and meant for programs; {@code detail} is
 * for people. {@code field} names the offending part of a request; {@code errors} carries
 * per-line details (bad lines of an upload).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, String code, String field, List<?> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(int status, String code, String title, String detail) {
    return new Problem("https://trainyard.dev/problems/" + code, title, status, detail, code, null, null);
  }

  public Problem withField(String f) {
    return new Problem(type, title, status, detail, code, f, errors);
  }
}
