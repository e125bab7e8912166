package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorMappingTest {
  @Test
  void problemBecomesOneLineWithItsCode() {
    ApiException e = Problems.fromResponse(404, "{\"type\":\"about:blank\",\"title\":\"Not Found\","
        + "\"status\":404,\"detail\":\"no such dataset: ds_9\",\"code\":\"dataset_not_found\"}");
    assertEquals(404, e.status());
    assertEquals("dataset_not_found", e.code());
    assertEquals("no such dataset: ds_9 (dataset_not_found, HTTP 404)", e.getMessage());
    assertEquals(ExitCode.API, e.exitCode());
  }

  @Test
  void validationErrorsAreListedByField() {
    ApiException e = Problems.fromResponse(400, "{\"title\":\"invalid job spec\",\"code\":\"invalid_spec\","
        + "\"errors\":[{\"field\":\"params.dim\",\"code\":\"range\",\"message\":\"dim must be >= 1, got 0\"},"
        + "{\"field\":\"foo\",\"code\":\"unknown_key\"}]}");
    assertEquals("invalid job spec; params.dim: dim must be >= 1, got 0; foo: unknown_key"
        + " (invalid_spec, HTTP 400)", e.getMessage());
  }

  @Test
  void fieldAndBadLinesAreNamed() {
    ApiException f = Problems.fromResponse(400, "{\"detail\":\"dim must be >= 1, got 0\","
        + "\"code\":\"spec_out_of_range\",\"field\":\"params.dim\"}");
    assertEquals("params.dim: dim must be >= 1, got 0 (spec_out_of_range, HTTP 400)", f.getMessage());
    ApiException b = Problems.fromResponse(422, "{\"detail\":\"bad rows\",\"code\":\"bad_lines\","
        + "\"errors\":[{\"line\":3,\"column\":5,\"reason\":\"label is not a number\"}]}");
    assertEquals("bad rows; line 3: label is not a number (bad_lines, HTTP 422)", b.getMessage());
  }

  @Test
  void anErrorThatRepeatsTheHeadlineIsSaidOnce() {
    ApiException e = Problems.fromResponse(422, "{\"detail\":\"the job needs 3307 MB\",\"code\":\"job_too_large\","
        + "\"field\":\"resources\",\"errors\":[{\"field\":\"resources\",\"message\":\"the job needs 3307 MB\","
        + "\"code\":\"job_too_large\"}]}");
    assertEquals("resources: the job needs 3307 MB (job_too_large, HTTP 422)", e.getMessage());
  }

  @Test
  void bodyThatIsNotAProblemStillGivesAClearLine() {
    ApiException e = Problems.fromResponse(502, "<html>\n<body>Bad gateway</body></html>");
    assertEquals("http_502", e.code());
    assertEquals("server unavailable (http_502, HTTP 502)", e.getMessage());
    ApiException u = Problems.fromResponse(401, "");
    assertTrue(u.getMessage().contains("TRAINYARD_TOKEN"), u.getMessage());
  }

  @Test
  void multiLineDetailsAreFlattened() {
    ApiException e = Problems.fromResponse(422, "{\"detail\":\"line one\\nline two\",\"code\":\"x\"}");
    assertEquals("line one line two (x, HTTP 422)", e.getMessage());
  }

  @Test
  void exitCodesAreDistinct() {
    assertEquals(ExitCode.API, Errors.exitCode(Problems.fromResponse(500, "")));
    assertEquals(ExitCode.USAGE, Errors.exitCode(CliException.usage("u")));
    assertEquals(ExitCode.CONNECTION, Errors.exitCode(CliException.connection("c")));
    assertEquals(ExitCode.FAILED, Errors.exitCode(CliException.failed("f")));
    assertEquals(ExitCode.API, Errors.exitCode(new IllegalStateException("bug")));
  }

  @Test
  void unexpectedExceptionsAreOneLineWithoutAStackTrace() {
    String line = Errors.line(new IllegalStateException("bad\nthing"));
    assertEquals("error: internal error (IllegalStateException: bad thing)", line);
  }
}
