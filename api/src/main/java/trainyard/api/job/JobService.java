package trainyard.api.job;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;
import trainyard.api.dataset.DatasetRow;
import trainyard.api.dataset.DatasetStatus;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.Bus;
import trainyard.api.platform.Ids;
import trainyard.api.problem.ApiException;
import trainyard.api.quota.QuotaService;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.spec.JobSpec;

/**
 * Submits, lists, reads and cancels jobs. A job is stored before its SUBMIT is published, so a
 * crash in between loses nothing: the next start re-publishes it ({@link #resubmitUnfinished}),
 * and a publish Kafka refused is retried while the server runs ({@link PendingPublishes}).
 * Thread-safe.
 */
@ApplicationScoped
public class JobService {
  private static final Logger LOG = Logger.getLogger(JobService.class);
  /** The reason of a cancel its user asked for (the executor reports it in the same words). */
  public static final String BY_USER = "cancelled by the user";

  /** A submitted job and whether this call created it (false: an Idempotency-Key replay). */
  public record Submitted(JobView job, boolean created) {}

  @Inject Bus bus;
  @Inject PendingPublishes pending;
  @Inject BlobStore blobs;
  @Inject Clock clock;
  @Inject QuotaService quotas;

  public Submitted submit(String tenantId, String body, String idempotencyKey) {
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
      throw ApiException.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1..200 characters");
    }
    JobSpec spec = JobSpec.parse(body == null ? "" : body);
    Submitted outcome;
    try {
      outcome = QuarkusTransaction.requiringNew().call(() -> insertOrReplay(tenantId, spec, idempotencyKey));
    } catch (PersistenceException e) {
      // Two submits with one Idempotency-Key raced; the unique key let one in. Return that one.
      if (idempotencyKey == null) {
        throw e;
      }
      JobRow first = QuarkusTransaction.requiringNew().call(() -> replay(tenantId, spec, idempotencyKey));
      if (first == null) {
        throw e;
      }
      outcome = new Submitted(JobView.of(first), false);
    }
    if (outcome.created()) {
      publish(outcome.job().id());
    }
    return outcome;
  }

  private Submitted insertOrReplay(String tenantId, JobSpec spec, String key) {
    if (key != null) {
      JobRow existing = replay(tenantId, spec, key);
      if (existing != null) {
        return new Submitted(JobView.of(existing), false);
      }
    }
    JobRow row = newRow(tenantId, spec);
    row.idempotencyKey = key;
    row.persistAndFlush();
    return new Submitted(JobView.of(row), true);
  }

  /**
   * A QUEUED job of {@code spec}, checked against the tenant's datasets and the executors' size,
   * not yet persisted. Call inside a transaction: the datasets stay locked until it commits.
   */
  public JobRow newRow(String tenantId, JobSpec spec) {
    DatasetRow train = requireReady(tenantId, spec.dataset(), "dataset");
    JobSize.checkShape(spec, train, "dataset");
    int bits = spec.params().hashBits();
    if (bits != 0 && !Objects.equals(bits, train.hashBits)) {
      // the platform hashes at ingestion (?hashBits= on the upload); a job cannot hash again
      throw new ApiException(ApiException.badRequest("hash_bits_mismatch", "dataset " + spec.dataset()
          + " was ingested with hashBits " + train.hashBits + "; params.hashBits must be 0 or " + train.hashBits
          + " (upload the data again with ?hashBits=" + bits + " to hash it so)").problem().withField("params.hashBits"));
    }
    String validationId = spec.validation() == null ? null : spec.validation().dataset();
    if (validationId != null) {
      DatasetRow validation = requireReady(tenantId, validationId, "validation.dataset");
      JobSize.checkShape(spec, validation, "validation.dataset");
      if (!Objects.equals(train.hashBits, validation.hashBits)) {
        // the same feature id would be another key in each: the validation metrics would mean nothing
        throw new ApiException(ApiException.badRequest("validation_mismatch", "validation dataset " + validationId
            + " was ingested with hashBits " + validation.hashBits + " and dataset " + spec.dataset() + " with "
            + train.hashBits + "; ingest both alike").problem().withField("validation.dataset"));
      }
    }
    quotas.checkJob(tenantId, spec);
    long memoryMb = JobSize.memoryMb(spec, train);
    JobSize.checkFits(spec, memoryMb, clock.instant());
    JobRow row = new JobRow();
    row.id = Ids.newId("job", clock.millis());
    row.memoryMb = memoryMb;
    row.tenantId = tenantId;
    row.name = spec.name();
    row.algorithm = spec.algorithm();
    row.datasetId = spec.dataset();
    row.validationDatasetId = validationId;
    row.specJson = spec.toJson();
    row.priority = spec.priority();
    row.gpus = QuotaService.gpus(spec);
    row.status = JobState.QUEUED.name();
    row.attempt = 1;
    row.stateAttempt = 1;
    row.createdAt = clock.instant();
    row.updatedAt = row.createdAt;
    return row;
  }

  private static JobRow replay(String tenantId, JobSpec spec, String key) {
    JobRow existing = JobRow.find("tenantId = ?1 and idempotencyKey = ?2", tenantId, key).firstResult();
    if (existing != null && !existing.specJson.equals(spec.toJson())) {
      throw new ApiException(422, "idempotency_key_reused", "Unprocessable request",
          "Idempotency-Key " + key + " was used for job " + existing.id + " with a different spec");
    }
    return existing;
  }

  private static DatasetRow requireReady(String tenantId, String datasetId, String field) {
    // shared lock until the job row is in: a deletion of the dataset waits, then sees the job
    DatasetRow dataset = DatasetRow.owned(tenantId, datasetId, LockModeType.PESSIMISTIC_READ);
    if (dataset == null) {
      throw new ApiException(ApiException.notFound("dataset", datasetId).problem().withField(field));
    }
    if (!DatasetStatus.READY.name().equals(dataset.status)) {
      throw new ApiException(new ApiException(409, "dataset_not_ready", "Dataset not ready",
          "dataset " + datasetId + " is " + dataset.status + "; jobs need a READY dataset")
          .problem().withField(field));
    }
    return dataset;
  }

  /**
   * Hands a new job to the scheduler, if it is still QUEUED. If Kafka refuses, the job stays stored and QUEUED,
   * {@link PendingPublishes} sends it again every few seconds until Kafka answers, and the client
   * learns it with a 503 naming the job.
   */
  public void publish(String jobId) {
    JobRow row = QuarkusTransaction.requiringNew().call(() -> JobRow.<JobRow>findById(jobId));
    if (!JobState.QUEUED.name().equals(row.status)) {
      return; // cancelled before it was sent (a study's trial): the scheduler must not run it
    }
    try {
      publishSubmit(row);
    } catch (IllegalStateException e) {
      LOG.errorf("job %s is stored but not published: %s", jobId, e.getMessage());
      pending.add(jobId);
      throw new ApiException(503, "bus_unavailable", "Service unavailable", "job " + jobId
          + " is stored but could not be handed to the scheduler yet (Kafka did not answer); it is sent again every "
          + PendingPublishes.RETRY_SECONDS + " s until Kafka answers");
    }
  }

  /** Publishes the job's SUBMIT again if it is still QUEUED; false when it no longer needs it. */
  boolean republishIfQueued(String jobId) {
    JobRow row = QuarkusTransaction.requiringNew().call(() -> JobRow.<JobRow>findById(jobId));
    if (row == null || !JobState.QUEUED.name().equals(row.status)) {
      return false;
    }
    publishSubmit(row);
    return true;
  }

  /**
   * Sends again every job still QUEUED that {@code schedule} says is due: a scheduler restarted
   * alone has forgotten the jobs it had consumed but not placed, and one that still has them
   * ignores the duplicate. Returns how many were sent; a job Kafka refuses waits for its next turn.
   */
  int resendQueued(ResendSchedule schedule) {
    List<JobRow> rows = QuarkusTransaction.requiringNew().call(() ->
        JobRow.<JobRow>find("status = ?1 order by id", JobState.QUEUED.name()).list());
    schedule.keepOnly(rows.stream().map(row -> row.id).toList());
    int sent = 0;
    for (JobRow row : rows) {
      if (!schedule.due(row.id, row.createdAt.toEpochMilli(), clock.millis())) {
        continue;
      }
      try {
        publishSubmit(row);
        sent++;
      } catch (IllegalStateException e) {
        LOG.debugf("job %s not sent again: %s", row.id, e.getMessage());
      }
    }
    return sent;
  }

  void publishSubmit(JobRow row) {
    String validationDir = row.validationDatasetId == null ? null : blobs.dataset(row.validationDatasetId).toString();
    bus.publish(JobMessage.submit(row.id, row.tenantId, row.specJson, row.priority,
        row.createdAt.toEpochMilli(), blobs.dataset(row.datasetId).toString(), validationDir, row.attempt,
        row.memoryMb == null ? 0 : row.memoryMb).withLostAttempts(row.lostAttempts));
  }

  /** The tenant's job with its current attempt's members. */
  public JobView get(String tenantId, String jobId) {
    return QuarkusTransaction.requiringNew().call(() -> {
      JobRow row = owned(tenantId, jobId);
      return JobView.of(row, MemberView.of(row.algorithm, JobMemberRow.current(row)));
    });
  }

  public Page<JobView> list(String tenantId, PageRequest page, String status) {
    return QuarkusTransaction.requiringNew().call(() -> {
      PageRequest.Query query = page.query(tenantId, status == null ? null : parseState(status).name());
      List<JobRow> rows = JobRow.<JobRow>find(query.text(), query.args()).page(0, page.limit() + 1).list();
      return page.page(rows, r -> r.id, JobView::of);
    });
  }

  /**
   * Cancels a job: a QUEUED one at once; an ASSIGNED or RUNNING one when its executor reports
   * CANCELLED. Either way CANCEL goes to the scheduler. {@code reason} (e.g. {@link #BY_USER}) is
   * the job's statusReason once it is CANCELLED.
   */
  public JobView cancel(String tenantId, String jobId, String reason) {
    JobRow row = QuarkusTransaction.requiringNew().call(() -> {
      JobRow locked = owned(tenantId, jobId, LockModeType.PESSIMISTIC_WRITE);
      JobState state = JobState.valueOf(locked.status);
      if (state.isTerminal()) {
        throw new ApiException(409, "job_finished", "Job already finished",
            "job " + jobId + " is " + state + " and cannot be cancelled");
      }
      if (state == JobState.QUEUED) {
        locked.status = JobState.CANCELLED.name();
        locked.statusReason = reason + " while queued";
        locked.finishedAt = clock.instant();
        locked.updatedAt = locked.finishedAt;
        EventStore.record(EventStore.stateRow("api-cancel-" + jobId, jobId, JobState.CANCELLED,
            locked.statusReason, locked.finishedAt));
      } else {
        locked.cancelRequestedAt = clock.instant();
        locked.cancelReason = reason;
      }
      return locked;
    });
    publishCancel(row);
    return JobView.of(row);
  }

  void publishCancel(JobRow row) {
    bus.publish(JobMessage.cancel(row.id, row.tenantId));
  }

  public List<MetricView> metrics(String tenantId, String jobId, String name) {
    return QuarkusTransaction.requiringNew().call(() -> {
      owned(tenantId, jobId);
      List<MetricRow> rows = name == null
          ? MetricRow.<MetricRow>find("jobId = ?1 order by id", jobId).list()
          : MetricRow.<MetricRow>find("jobId = ?1 and name = ?2 order by id", jobId, name).list();
      List<MetricView> out = new ArrayList<>(rows.size());
      for (MetricRow r : rows) {
        out.add(MetricView.of(r));
      }
      return out;
    });
  }

  /** Events stored after {@code afterSeq}, oldest first, at most {@code limit}. */
  public List<EventView> events(String tenantId, String jobId, long afterSeq, int limit) {
    return QuarkusTransaction.requiringNew().call(() -> {
      owned(tenantId, jobId);
      return eventsAfter(jobId, afterSeq, limit);
    });
  }

  static List<EventView> eventsAfter(String jobId, long afterSeq, int limit) {
    List<JobEventRow> rows = JobEventRow.<JobEventRow>find("jobId = ?1 and seq > ?2 order by seq", jobId, afterSeq)
        .page(0, limit).list();
    List<EventView> out = new ArrayList<>(rows.size());
    for (JobEventRow r : rows) {
      out.add(EventView.of(r));
    }
    return out;
  }

  /** The seq of the tenant's event {@code eventId} of this job, or 0 if there is none. */
  public long seqOf(String tenantId, String jobId, String eventId) {
    return QuarkusTransaction.requiringNew().call(() -> {
      owned(tenantId, jobId);
      JobEventRow row = JobEventRow.findById(eventId);
      return row == null || !row.jobId.equals(jobId) ? 0L : row.seq;
    });
  }

  /**
   * Re-publishes SUBMIT, attempt + 1, for every job a previous run left unfinished, so that
   * the scheduler (whose queue lives in memory) knows them again; an executor resumes from
   * the job's checkpoint. Returns how many were re-published.
   */
  public int resubmitUnfinished() {
    List<JobRow> rows = QuarkusTransaction.requiringNew().call(() -> {
      // locked as read: an end the event consumer commits meanwhile must not be written back over
      List<JobRow> unfinished = JobRow.<JobRow>find("status in ?1 order by id",
          List.of(JobState.QUEUED.name(), JobState.ASSIGNED.name(), JobState.RUNNING.name()))
          .withLock(LockModeType.PESSIMISTIC_WRITE).list();
      for (JobRow row : unfinished) {
        // The state stays: events of the new attempt move it on, and a job still running on
        // an executor of a distributed deployment keeps showing RUNNING.
        row.attempt++;
        row.statusReason = "re-submitted after a restart (attempt " + row.attempt + ")";
        row.updatedAt = clock.instant();
      }
      return unfinished;
    });
    for (JobRow row : rows) {
      publishSubmit(row);
      LOG.infof("re-published job %s, attempt %d", row.id, row.attempt);
    }
    return rows.size();
  }

  static JobRow owned(String tenantId, String jobId) {
    return found(JobRow.owned(tenantId, jobId), jobId);
  }

  /** The tenant's job read under {@code lock}, held until the transaction ends (see {@link JobRow}'s). */
  static JobRow owned(String tenantId, String jobId, LockModeType lock) {
    return found(JobRow.owned(tenantId, jobId, lock), jobId);
  }

  private static JobRow found(JobRow row, String jobId) {
    if (row == null) {
      throw ApiException.notFound("job", jobId);
    }
    return row;
  }

  static JobState parseState(String status) {
    try {
      return JobState.valueOf(status.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_status", "status must be one of "
          + java.util.Arrays.toString(JobState.values()) + ", got " + status);
    }
  }
}
