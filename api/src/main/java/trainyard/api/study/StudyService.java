package trainyard.api.study;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import trainyard.api.job.JobRow;
import trainyard.api.job.JobService;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;
import trainyard.api.platform.Ids;
import trainyard.api.problem.ApiException;
import trainyard.api.problem.Problem;
import trainyard.bus.JobState;
import trainyard.spec.JobSpec;

/**
 * Submits, lists, reads and cancels studies; {@link StudyDriver} runs them. A study is refused at
 * submit if any of its trials would be: every trial's spec is parsed and checked against the
 * tenant's datasets and the executors' size as a job submit would check it. Thread-safe.
 */
@ApplicationScoped
public class StudyService {
  /** A submitted study and whether this call created it (false: an Idempotency-Key replay). */
  public record Submitted(StudyView study, boolean created) {}

  @Inject JobService jobs;
  @Inject StudyDriver driver;
  @Inject Clock clock;

  public Submitted submit(String tenantId, String body, String idempotencyKey) {
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
      throw ApiException.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1..200 characters");
    }
    StudyRequest request = StudyRequest.parse(body);
    List<JobSpec> specs = request.trialSpecs();
    Stored stored;
    try {
      stored = QuarkusTransaction.requiringNew().call(() -> insertOrReplay(tenantId, request, specs, idempotencyKey));
    } catch (PersistenceException e) {
      // Two submits with one Idempotency-Key raced; the unique key let one in. Return that one.
      StudyRow first = idempotencyKey == null ? null
          : QuarkusTransaction.requiringNew().call(() -> replay(tenantId, request, idempotencyKey));
      if (first == null) {
        throw e;
      }
      return new Submitted(get(tenantId, first.id), false);
    }
    if (stored.created()) {
      driver.step(stored.id(), false); // the first trials go out with the answer
    }
    return new Submitted(get(tenantId, stored.id()), stored.created());
  }

  private record Stored(String id, boolean created) {}

  private Stored insertOrReplay(String tenantId, StudyRequest request, List<JobSpec> specs, String key) {
    if (key != null) {
      StudyRow existing = replay(tenantId, request, key);
      if (existing != null) {
        return new Stored(existing.id, false);
      }
    }
    for (int i = 0; i < specs.size(); i++) {
      try {
        jobs.newRow(tenantId, specs.get(i)); // checked, not stored
      } catch (ApiException e) {
        Problem p = e.problem();
        Problem trial = Problem.of(p.status(), p.code(), p.title(), "trial " + i + ": " + p.detail());
        throw new ApiException(p.field() == null ? trial : trial.withField("spec." + p.field()));
      }
    }
    StudyRow row = new StudyRow();
    row.id = Ids.newId("stu", clock.millis());
    row.tenantId = tenantId;
    row.name = request.name();
    row.requestJson = request.toJson();
    row.method = request.method();
    row.objectiveMetric = request.objective().metric();
    row.maximize = request.objective().maximize();
    row.trials = request.trials();
    row.maxParallel = request.maxParallel();
    row.status = StudyState.QUEUED.name();
    row.idempotencyKey = key;
    row.createdAt = clock.instant();
    row.updatedAt = row.createdAt;
    row.persistAndFlush();
    return new Stored(row.id, true);
  }

  private static StudyRow replay(String tenantId, StudyRequest request, String key) {
    StudyRow existing = StudyRow.find("tenantId = ?1 and idempotencyKey = ?2", tenantId, key).firstResult();
    if (existing != null && !existing.requestJson.equals(request.toJson())) {
      throw new ApiException(422, "idempotency_key_reused", "Unprocessable request",
          "Idempotency-Key " + key + " was used for study " + existing.id + " with a different request");
    }
    return existing;
  }

  /** The tenant's study with every trial. */
  public StudyView get(String tenantId, String studyId) {
    return QuarkusTransaction.requiringNew().call(() -> {
      StudyRow row = owned(tenantId, studyId);
      StudyTrials trials = StudyTrials.load(row);
      Double best = trials.trials().stream().filter(t -> trials.rows().get(t.index()).jobId.equals(row.bestJobId))
          .map(t -> t.last()).findFirst().orElse(null);
      return StudyView.of(row, best, trials.views());
    });
  }

  public Page<StudyView> list(String tenantId, PageRequest page, String status) {
    return QuarkusTransaction.requiringNew().call(() -> {
      PageRequest.Query query = page.query(tenantId, status == null ? null : parseState(status).name());
      List<StudyRow> rows = StudyRow.<StudyRow>find(query.text(), query.args()).page(0, page.limit() + 1).list();
      return page.page(rows, r -> r.id, r -> StudyView.of(r, null, null));
    });
  }

  /** Ends the study CANCELLED and cancels every trial still queued or running. */
  public StudyView cancel(String tenantId, String studyId) {
    List<String> running = QuarkusTransaction.requiringNew().call(() -> {
      StudyRow study = owned(tenantId, studyId, LockModeType.PESSIMISTIC_WRITE);
      StudyState state = StudyState.valueOf(study.status);
      if (state.isTerminal()) {
        throw new ApiException(409, "study_finished", "Study already finished",
            "study " + studyId + " is " + state + " and cannot be cancelled");
      }
      study.status = StudyState.CANCELLED.name();
      study.statusReason = "cancelled by the user";
      study.finishedAt = clock.instant();
      study.updatedAt = study.finishedAt;
      List<String> ids = StudyTrialRow.of(studyId).stream().map(t -> t.jobId).toList();
      return ids.isEmpty() ? List.<String>of() : JobRow.<JobRow>list("id in ?1", ids).stream()
          .filter(j -> !JobState.valueOf(j.status).isTerminal()).map(j -> j.id).toList();
    });
    for (String jobId : running) {
      driver.cancelQuietly(tenantId, jobId, StudyDriver.withStudy(studyId));
    }
    return get(tenantId, studyId);
  }

  private static StudyRow owned(String tenantId, String studyId) {
    return found(StudyRow.owned(tenantId, studyId), studyId);
  }

  private static StudyRow owned(String tenantId, String studyId, LockModeType lock) {
    return found(StudyRow.owned(tenantId, studyId, lock), studyId);
  }

  private static StudyRow found(StudyRow row, String studyId) {
    if (row == null) {
      throw ApiException.notFound("study", studyId);
    }
    return row;
  }

  private static StudyState parseState(String status) {
    try {
      return StudyState.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_status", "status must be one of "
          + java.util.Arrays.toString(StudyState.values()) + ", got " + status);
    }
  }
}
