package trainyard.api.job;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Jobs stored but not handed to Kafka because it did not answer, sent again every few seconds
 * until it does. The scheduler ignores a SUBMIT for a job it already knows, so a retry racing a
 * late success is harmless. The set lives in memory: a restart re-publishes every unfinished job
 * anyway ({@link JobService#resubmitUnfinished}). Thread-safe.
 */
@ApplicationScoped
public class PendingPublishes {
  static final long RETRY_SECONDS = 5;
  private static final Logger LOG = Logger.getLogger(PendingPublishes.class);

  @Inject JobService jobs;

  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  /** Started at the first failure: most processes never need it. */
  private ScheduledExecutorService timer;

  public void add(String jobId) {
    pending.add(jobId);
    startTimer();
  }

  public boolean contains(String jobId) {
    return pending.contains(jobId);
  }

  /** Sends each pending job that is still QUEUED; returns how many are still pending. */
  public int retryNow() {
    for (String id : pending) {
      try {
        if (jobs.republishIfQueued(id)) {
          LOG.infof("job %s handed to the scheduler after Kafka came back", id);
        }
        pending.remove(id);
      } catch (IllegalStateException e) {
        LOG.debugf("job %s still not published: %s", id, e.getMessage());
      }
    }
    return pending.size();
  }

  private synchronized void startTimer() {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trainyard-publish-retry");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        retryNow();
      } catch (RuntimeException e) {
        LOG.warnf("retrying unpublished jobs failed: %s", e.getMessage());
      }
    }, RETRY_SECONDS, RETRY_SECONDS, TimeUnit.SECONDS);
  }

  @PreDestroy
  synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
