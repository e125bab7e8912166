package trainyard.executor;

/** A job's GPUs cannot be given to it or opened; the job fails with this message. */
final class GpuUnavailableException extends RuntimeException {
  GpuUnavailableException(String message) {
    super(message);
  }

  GpuUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
