package trainyard.api.problem;

/** An error a client caused or must know about, answered as problem+json by {@link ProblemMappers}. */
public final class ApiException extends RuntimeException {
  private final transient Problem problem;

  public ApiException(int status, String code, String title, String detail) {
    super(detail, null, false, false);
    this.problem = Problem.of(status, code, title, detail);
  }

  public ApiException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  public static ApiException notFound(String kind, String id) {
    return new ApiException(404, kind + "_not_found", "Not found", "no " + kind + " with id " + id);
  }

  public static ApiException badRequest(String code, String detail) {
    return new ApiException(400, code, "Bad request", detail);
  }
}
