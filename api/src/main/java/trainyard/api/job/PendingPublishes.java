package trainyard.api.job;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps every QUEUED job in a scheduler's hands. A job stored but not handed to Kafka because it
 * did not answer is sent again every few seconds until it is; that set lives in memory, as a
 * restart re-publishes every unfinished job anyway ({@link JobService#resubmitUnfinished}). And
 * each job still QUEUED is sent again, for a scheduler that restarted alone and forgot the jobs
 * it had consumed but not placed: {@code trainyard.jobs.resend-interval} after its submit, then
 * at doubling gaps up to {@code trainyard.jobs.resend-max-interval} ({@link ResendSchedule}), so
 * a job that waits for room is not sent every round forever. The scheduler ignores a SUBMIT for
 * a job it already knows, so the duplicates are harmless.
 * Thread-safe.
 */
@ApplicationScoped
public class PendingPublishes {
  static final long RETRY_SECONDS = 5;
  private static final Logger LOG = Logger.getLogger(PendingPublishes.class);

  @Inject JobService jobs;

  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService timer;

  public void add(String jobId) {
    pending.add(jobId);
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

  /** Sends again the jobs still QUEUED whose turn has come; returns how many it sent. */
  int resendQueued(ResendSchedule schedule) {
    int sent = jobs.resendQueued(schedule);
    if (sent > 0) {
      LOG.debugf("sent %d job(s) still queued to the scheduler again", sent);
    }
    return sent;
  }

  /** Starts both rounds; the api role calls it once on start. */
  public synchronized void start(Duration resendInterval, Duration resendMaxInterval) {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trainyard-publish-retry");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> run(this::retryNow, "retrying unpublished jobs"),
        RETRY_SECONDS, RETRY_SECONDS, TimeUnit.SECONDS);
    long every = resendInterval.toMillis();
    ResendSchedule schedule = new ResendSchedule(resendInterval, resendMaxInterval);
    timer.scheduleWithFixedDelay(() -> run(() -> resendQueued(schedule), "sending queued jobs again"),
        every, every, TimeUnit.MILLISECONDS);
  }

  private static void run(Runnable round, String what) {
    try {
      round.run();
    } catch (RuntimeException e) {
      LOG.warnf("%s failed: %s", what, e.getMessage());
    }
  }

  @PreDestroy
  synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
