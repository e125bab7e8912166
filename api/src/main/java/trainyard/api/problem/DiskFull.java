package trainyard.api.problem;

/**
 * The server's disk is full ({@link trainyard.engine.io.DiskFull}): 507 Insufficient Storage (RFC
 * 4918) rather than a 500 whose reason only the log holds.
 */
public final class DiskFull {
  private DiskFull() {}

  /** 507 {@code insufficient_storage}: what the client should know, {@code detail} first. */
  public static Problem problem(String detail) {
    return Problem.of(507, "insufficient_storage", "Insufficient storage",
        detail + "; the server's disk is full, so ask its operator to free space before trying again");
  }
}
