package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server answered with an error status. Carries the RFC 9457 problem's stable {@code code}
 * (or {@code http_<status>} when the body was not a problem) and the whole body for callers
 * that need an extension member (the upload's {@code received}).
 */
public final class ApiException extends CliException {
  private final int status;
  private final String code;
  private final JsonNode problem;

  public ApiException(int status, String code, String message, JsonNode problem) {
    super(ExitCode.API, message);
    this.status = status;
    this.code = code;
    this.problem = problem;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The parsed problem body; a missing node when the body was not JSON. */
  public JsonNode problem() {
    return problem;
  }
}
