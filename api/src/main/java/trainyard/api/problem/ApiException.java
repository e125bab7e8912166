package trainyard.api.problem;

/** An error a client caused or must know about, answered as problem+json by {@link ProblemMappers}. */
public final class ApiException extends RuntimeException {
  private final transient Problem problem;
  /** The answer's Retry-After in seconds; 0 for none. */
  private final long retryAfter;

  public ApiException(int status, String code, String title, String detail) {
    this(Problem.of(status, code, title, detail));
  }

  public ApiException(Problem problem) {
    this(problem, 0);
  }

  public ApiException(Problem problem, long retryAfterSeconds) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
    this.retryAfter = retryAfterSeconds;
  }

  public Problem problem() {
    return problem;
  }

  public long retryAfterSeconds() {
    return retryAfter;
  }

  public static ApiException notFound(String kind, String id) {
    return new ApiException(404, kind + "_not_found", "Not found", "no " + kind + " with id " + id);
  }

  public static ApiException conflict(String code, String detail) {
    return new ApiException(409, code, "Conflict", detail);
  }

  public static ApiException badRequest(String code, String detail) {
    return new ApiException(400, code, "Bad request", detail);
  }
}
