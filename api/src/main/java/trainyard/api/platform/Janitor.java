package trainyard.api.platform;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import trainyard.api.job.JobRemoval;
import trainyard.api.upload.UploadService;

/**
 * Once a minute, in the api role: deletes the checkpoints of ended jobs, whichever way they ended
 * (an event, a cancel while queued, a deletion), and expires the resumable uploads that got no
 * chunk for {@code trainyard.upload.expire-after}. A round that fails is logged and the next one
 * tries again. Thread-safe.
 */
@ApplicationScoped
public class Janitor {
  static final long EVERY_SECONDS = 60;
  private static final Logger LOG = Logger.getLogger(Janitor.class);

  @Inject JobRemoval jobs;
  @Inject UploadService uploads;
  @Inject TrainyardConfig config;
  @Inject Clock clock;

  private ScheduledExecutorService timer;

  /** One round now; what it removed. */
  public void round() throws IOException {
    int checkpoints = jobs.removeEndedCheckpoints();
    int expired = uploads.expireIdle(clock.instant().minus(config.upload().expireAfter()));
    if (checkpoints + expired > 0) {
      LOG.infof("removed the checkpoints of %d ended job(s); %d idle upload(s) expired", checkpoints, expired);
    }
  }

  public synchronized void start() {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trainyard-janitor");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        round();
      } catch (IOException | RuntimeException e) {
        LOG.warnf("cleaning up failed: %s", e.getMessage());
      }
    }, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
  }

  @PreDestroy
  synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
