package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns an HTTP error answer into an {@link ApiException} whose message is one readable line. */
public final class Problems {
  private Problems() {}

  public static ApiException fromResponse(int status, String body) {
    JsonNode problem = Json.parseLenient(body);
    String code = problem.path("code").asText("");
    if (code.isEmpty()) {
      code = "http_" + status;
    }
    String what = firstNonBlank(problem.path("detail").asText(""), problem.path("title").asText(""));
    if (what.isEmpty()) {
      what = defaultReason(status);
    }
    String field = problem.path("field").asText("");
    StringBuilder line = new StringBuilder(field.isEmpty() ? what : field + ": " + what);
    JsonNode errors = problem.path("errors");
    if (errors.isArray()) {
      for (JsonNode e : errors) {
        String where = e.has("line") ? "line " + e.path("line").asText() : e.path("field").asText("?");
        String why = firstNonBlank(firstNonBlank(e.path("message").asText(""), e.path("reason").asText("")),
            e.path("code").asText(""));
        if (where.equals(field) && why.equals(what)) {
          continue; // the headline already said it (an error about one field lists it again)
        }
        line.append("; ").append(where).append(": ").append(why);
      }
    }
    line.append(" (").append(code).append(", HTTP ").append(status).append(')');
    return new ApiException(status, code, oneLine(line.toString()), problem);
  }

  static String defaultReason(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "not signed in: the token is missing or invalid (set TRAINYARD_TOKEN)";
      case 403 -> "forbidden";
      case 404 -> "not found";
      case 409 -> "conflict";
      case 413 -> "too large";
      case 422 -> "unprocessable";
      case 502, 503, 504 -> "server unavailable";
      default -> status >= 500 ? "server error" : "request refused";
    };
  }

  /** Newlines and tabs become spaces: an error is always exactly one line. */
  public static String oneLine(String s) {
    return s.replaceAll("[\\r\\n\\t]+", " ").trim();
  }

  private static String firstNonBlank(String a, String b) {
    return a.isBlank() ? b : a;
  }
}
