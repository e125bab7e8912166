package trainyard.api.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Semaphore;
import trainyard.api.platform.TrainyardConfig;
import trainyard.api.problem.ApiException;

/**
 * How many ingestions run at once ({@code trainyard.upload.ingest-threads}), streamed uploads
 * and the {@link Ingestor}'s queue together. Fair: first come, first served. A streamed upload
 * waits for its permit before it reads its body, so TCP holds its client back meanwhile.
 * Thread-safe.
 */
@ApplicationScoped
public class IngestPermits {
  private final Semaphore permits;

  @Inject
  public IngestPermits(TrainyardConfig config) {
    this(config.upload().ingestThreads());
  }

  IngestPermits(int permits) {
    this.permits = new Semaphore(permits, true);
  }

  /** Waits for a permit; 503 if the server is stopping meanwhile. */
  void acquire() {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "server_stopping", "Service unavailable",
          "the server is stopping; send the file again once it is back");
    }
  }

  /** A permit if one is free now. */
  boolean tryAcquire() {
    return permits.tryAcquire();
  }

  void release() {
    permits.release();
  }

  /** Ingestions waiting for a permit (an estimate, for tests and logs). */
  public int waiting() {
    return permits.getQueueLength();
  }
}
