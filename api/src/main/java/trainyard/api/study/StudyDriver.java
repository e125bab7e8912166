package trainyard.api.study;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import trainyard.api.job.JobRow;
import trainyard.api.job.JobService;
import trainyard.api.platform.JsonText;
import trainyard.api.problem.ApiException;
import trainyard.bus.JobState;
import trainyard.scheduler.study.Asha;
import trainyard.scheduler.study.Decision;
import trainyard.scheduler.study.Search;
import trainyard.scheduler.study.Trial;
import trainyard.spec.JobSpec;
import trainyard.spec.SpecException;

/**
 * Runs studies: after each stored state or metric of a trial (and every
 * {@value #SWEEP_SECONDS} s for every unfinished study) it reads the study's rows, asks its search
 * what to do, and does it: launches trials as jobs of the study, stops trials (cancels their jobs;
 * shown as STOPPED), records ASHA's promotions, and ends the study with its best trial's model.
 * Every decision is committed with the rows it came from before a job is sent or cancelled, so
 * after a restart the driver re-derives the same decisions from the database and goes on; a stop
 * committed but not sent is sent again at start. One thread; a study is decided under its row's
 * lock, so a cancel and a step never interleave.
 */
@ApplicationScoped
public class StudyDriver {
  private static final Logger LOG = Logger.getLogger(StudyDriver.class);
  static final int SWEEP_SECONDS = 10;

  @Inject JobService jobs;
  @Inject Clock clock;

  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService thread;

  /** Starts the thread and goes on with every unfinished study, sending again the stops it decided. */
  public synchronized void start() {
    thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "trainyard-study-driver"));
    for (String id : unfinished()) {
      thread.execute(() -> stepQuietly(id, true));
    }
    thread.scheduleWithFixedDelay(() -> unfinished().forEach(this::request), SWEEP_SECONDS, SWEEP_SECONDS,
        TimeUnit.SECONDS);
  }

  public synchronized void stop() {
    if (thread != null) {
      thread.shutdownNow();
      thread = null;
    }
  }

  /** A trial's job changed (called by the event consumer after storing its event): its study reacts. */
  public void jobChanged(String jobId) {
    ScheduledExecutorService t = thread;
    if (t != null) {
      t.execute(() -> {
        String studyId = QuarkusTransaction.requiringNew().call(() -> {
          JobRow job = JobRow.findById(jobId);
          return job == null ? null : job.studyId;
        });
        if (studyId != null) {
          request(studyId);
        }
      });
    }
  }

  private void request(String studyId) {
    ScheduledExecutorService t = thread;
    if (t != null && queued.add(studyId)) {
      t.execute(() -> {
        queued.remove(studyId);
        stepQuietly(studyId, false);
      });
    }
  }

  private List<String> unfinished() {
    return QuarkusTransaction.requiringNew().call(() -> StudyRow.<StudyRow>list("status in ?1 order by id",
        List.of(StudyState.QUEUED.name(), StudyState.RUNNING.name())).stream().map(s -> s.id).toList());
  }

  private void stepQuietly(String studyId, boolean resendStops) {
    try {
      step(studyId, resendStops);
    } catch (RuntimeException e) {
      // the database or Kafka is away: the next event or sweep tries again
      LOG.warnf("study %s: cannot decide now (%s); trying again later", studyId, e.getMessage());
    }
  }

  /** Decides and acts once for {@code studyId}; {@code resendStops}: cancel again the stopped trials still running. */
  void step(String studyId, boolean resendStops) {
    List<String> submit = new ArrayList<>();
    Map<String, String> cancel = new LinkedHashMap<>(); // job → why
    String tenantId = QuarkusTransaction.requiringNew().call(() -> {
      StudyRow study = StudyRow.findById(studyId, LockModeType.PESSIMISTIC_WRITE);
      if (study == null || StudyState.valueOf(study.status).isTerminal()) {
        return null;
      }
      StudyRequest request = StudyRequest.parse(study.requestJson);
      StudyTrials stored = StudyTrials.load(study);
      Decision decision = request.search().next(stored.trials(), study.maxParallel);
      for (StudyTrialRow row : stored.rows()) {
        Integer passed = decision.promoted().get(row.index);
        if (passed != null) {
          row.rungsPassed = passed;
        }
        if (decision.stop().contains(row.index)) {
          row.stoppedEarly = true;
          cancel.put(row.jobId, stopReason(study, request.search(), row.rungsPassed));
        } else if (resendStops && row.stoppedEarly && !JobState.valueOf(stored.jobs().get(row.jobId).status).isTerminal()) {
          cancel.put(row.jobId, stopReason(study, request.search(), row.rungsPassed));
        }
      }
      try {
        for (Decision.Launch launch : decision.launch()) {
          submit.add(launch(study, request, launch));
        }
      } catch (ApiException | SpecException e) {
        // the base spec's dataset went away, or the executors shrank since submit
        end(study, StudyState.FAILED, "trial " + (stored.rows().size() + submit.size()) + " cannot be launched: "
            + e.getMessage());
        stored.rows().stream().filter(r -> !JobState.valueOf(stored.jobs().get(r.jobId).status).isTerminal())
            .forEach(r -> cancel.put(r.jobId, withStudy(study.id)));
        return study.tenantId;
      }
      settle(study, request, stored, decision);
      return study.tenantId;
    });
    for (String jobId : submit) {
      try {
        jobs.publish(jobId);
      } catch (ApiException e) { // Kafka away: PendingPublishes sends it when it answers
        LOG.warnf("study %s: %s", studyId, e.getMessage());
      }
    }
    cancel.forEach((jobId, reason) -> cancelQuietly(tenantId, jobId, reason));
  }

  private String launch(StudyRow study, StudyRequest request, Decision.Launch launch) {
    JobSpec spec = JobSpec.parse(request.trialSpec(launch.index(), launch.params()));
    JobRow job = jobs.newRow(study.tenantId, spec);
    job.studyId = study.id;
    job.persist();
    StudyTrialRow trial = new StudyTrialRow();
    trial.jobId = job.id;
    trial.studyId = study.id;
    trial.index = launch.index();
    trial.paramsJson = JsonText.write(launch.params());
    trial.persistAndFlush();
    return job.id;
  }

  /** The best trial so far, the study's state and, once every trial ended, its end. */
  private void settle(StudyRow study, StudyRequest request, StudyTrials stored, Decision decision) {
    Optional<Trial> best = request.objective().best(stored.trials());
    study.bestJobId = best.map(t -> stored.rows().get(t.index()).jobId).orElse(null);
    if (decision.finished()) {
      if (best.isPresent()) {
        study.modelId = stored.jobs().get(study.bestJobId).modelId;
        end(study, StudyState.SUCCEEDED, "trial " + best.get().index() + " is the best: " + study.objectiveMetric
            + " " + best.get().last());
      } else {
        end(study, StudyState.FAILED, "no trial succeeded with a value of " + study.objectiveMetric);
      }
      return;
    }
    boolean started = stored.jobs().values().stream().anyMatch(j -> !JobState.QUEUED.name().equals(j.status));
    if (started && !StudyState.RUNNING.name().equals(study.status)) {
      study.status = StudyState.RUNNING.name();
      study.statusReason = null;
    }
    study.updatedAt = clock.instant();
  }

  private void end(StudyRow study, StudyState state, String reason) {
    study.status = state.name();
    study.statusReason = reason;
    study.finishedAt = clock.instant();
    study.updatedAt = study.finishedAt;
    LOG.infof("study %s %s: %s", study.id, state, reason);
  }

  /** Why a trial stopped at the rung after the {@code rungsPassed} it passed: its job's statusReason. */
  static String stopReason(StudyRow study, Search search, int rungsPassed) {
    Asha asha = (Asha) search; // the only search that stops trials
    return "stopped early by study " + study.id + " at rung " + (rungsPassed + 1) + " (epoch "
        + asha.rungs().get(rungsPassed) + "): its " + study.objectiveMetric + ", projected to epoch " + asha.maxEpochs()
        + " at its last change per epoch, was not in the top 1/" + asha.eta() + " of the trials there";
  }

  /** Why a trial is cancelled when its study ends before it (cancelled, or failed). */
  static String withStudy(String studyId) {
    return "cancelled with its study " + studyId;
  }

  /** Cancels a trial's job; one that ended meanwhile is left as it ended. */
  void cancelQuietly(String tenantId, String jobId, String reason) {
    try {
      jobs.cancel(tenantId, jobId, reason);
    } catch (ApiException | IllegalStateException e) { // ended, or Kafka away: sent again at the next start
      LOG.debugf("trial %s not cancelled: %s", jobId, e.getMessage());
    }
  }
}
