package trainyard.api.problem;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem body. {@code code} is stable and meant for programs; {@code detail} is
 * for people. {@code field} names the offending part of a request; {@code errors} carries
 * per-field details ({field, code, message}); {@code extensions} are further members that
 * a client acts on (an upload's {@code received}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, String code, String field, List<?> errors,
    @JsonIgnore Map<String, Object> extensions) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(int status, String code, String title, String detail) {
    return new Problem("https://trainyard.dev/problems/" + code, title, status, detail, code, null, null, Map.of());
  }

  /**
   * The server's disk is full ({@link trainyard.engine.io.DiskFull}): 507 {@code insufficient_storage}
   * (RFC 4918) rather than a 500 whose reason only the log holds; {@code detail} first.
   */
  public static Problem insufficientStorage(String detail) {
    return of(507, "insufficient_storage", "Insufficient storage",
        detail + "; the server's disk is full, so ask its operator to free space before trying again");
  }

  public Problem withField(String f) {
    return new Problem(type, title, status, detail, code, f,
        List.of(Map.of("field", f, "code", code, "message", detail)), extensions);
  }

  public Problem with(String member, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(extensions);
    more.put(member, value);
    return new Problem(type, title, status, detail, code, field, errors, more);
  }

  @JsonAnyGetter
  Map<String, Object> members() {
    return extensions;
  }
}
