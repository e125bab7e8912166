package trainyard.engine.io;

import java.io.IOException;

/**
 * A full disk is the machine's fault, not the data's or the job's: callers answer it as such (a
 * 507 from the api, a lost attempt from an executor) rather than as a bad input. Java gives no
 * errno, so ENOSPC and EDQUOT are known by their messages.
 */
public final class DiskFull {
  private static final String ENOSPC = "No space left on device";
  private static final String EDQUOT = "Disk quota exceeded";

  private DiskFull() {}

  /** Whether {@code e}, or what caused it, is an I/O error for a full disk or an exhausted quota. */
  public static boolean causedBy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (t instanceof IOException && message != null && (message.contains(ENOSPC) || message.contains(EDQUOT))) {
        return true;
      }
    }
    return false;
  }
}
