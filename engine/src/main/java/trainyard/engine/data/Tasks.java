package trainyard.engine.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting on background work from I/O code. Stateless and thread-safe. */
final class Tasks {
  private Tasks() {}

  /**
   * The task's result; an IOException or RuntimeException it threw comes out as is, so callers
   * see the same errors as if the work had run on their own thread.
   */
  static <T> T await(Future<T> task, String doing) throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      throw interrupted(doing);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(doing + " failed", cause);
    }
  }

  /** Keeps the thread's interrupt flag set and says what was cut short. */
  static InterruptedIOException interrupted(String doing) {
    Thread.currentThread().interrupt();
    return new InterruptedIOException("interrupted while " + doing);
  }
}
