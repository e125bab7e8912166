package trainyard.api.problem;

import java.io.IOException;

/**
 * The server's disk is full: 507 Insufficient Storage (RFC 4918) rather than a 500 whose reason
 * only the log holds. Java gives no errno, so ENOSPC is known by its message.
 */
public final class DiskFull {
  private static final String ENOSPC = "No space left on device";

  private DiskFull() {}

  /** Whether {@code e}, or what caused it, is an I/O error for a full disk. */
  public static boolean causedBy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains(ENOSPC)) {
        return true;
      }
    }
    return false;
  }

  /** 507 {@code insufficient_storage}: what the client should know, {@code detail} first. */
  public static Problem problem(String detail) {
    return Problem.of(507, "insufficient_storage", "Insufficient storage",
        detail + "; the server's disk is full, so ask its operator to free space before trying again");
  }
}
