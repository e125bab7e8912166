package trainyard.api.job;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import trainyard.bus.JobState;

/** A job's row in PostgreSQL: its spec and what the events said about it. */
@Entity
@Table(name = "jobs")
public class JobRow extends PanacheEntityBase {
  /** The states of a job that has not ended. */
  public static final List<String> UNFINISHED = List.of(JobState.QUEUED.name(), JobState.ASSIGNED.name(),
      JobState.RUNNING.name());

  @Id public String id;

  @Column(name = "tenant_id")
  public String tenantId;

  public String name;
  public String algorithm;

  @Column(name = "dataset_id")
  public String datasetId;

  @Column(name = "validation_dataset_id")
  public String validationDatasetId;

  @Column(name = "spec_json")
  public String specJson;

  public int priority;

  /** A {@link trainyard.bus.JobState} name. */
  public String status;

  @Column(name = "status_reason")
  public String statusReason;

  public double progress;
  public Integer epoch;

  /** The latest attempt: published by the api (1, one more per re-publish) or in an event. */
  public int attempt;

  /**
   * Attempts lost so far: the scheduler's (executor lost) and the reconciliation's (no executor
   * reported running it). Both count toward {@code trainyard.jobs.max-attempts}.
   */
  @Column(name = "lost_attempts")
  public int lostAttempts;

  /** The attempt whose events set {@link #status}; events of an older one change nothing. */
  @Column(name = "state_attempt")
  public int stateAttempt;

  @Column(name = "executor_id")
  public String executorId;

  /** JSON object: the latest value of each metric. */
  @Column(name = "final_metrics")
  public String finalMetrics;

  @Column(name = "model_id")
  public String modelId;

  /** GPUs the job holds while not ended: its spec's gpus × executors (what the gpus quota sums). */
  public int gpus;

  /** Each member's memory, the engine's estimate at submit (MiB); null for older jobs. */
  @Column(name = "memory_mb")
  public Long memoryMb;

  @Column(name = "idempotency_key")
  public String idempotencyKey;

  /** The study this job is a trial of, or null. */
  @Column(name = "study_id")
  public String studyId;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "assigned_at")
  public Instant assignedAt;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  /** When its user asked to cancel it while it was placed, or null; see {@link Reconciliation}. */
  @Column(name = "cancel_requested_at")
  public Instant cancelRequestedAt;

  /** Why it is being cancelled, its statusReason once it ends CANCELLED (e.g. stopped by its study). */
  @Column(name = "cancel_reason")
  public String cancelReason;

  /** The tenant's job, or null: another tenant's job does not exist for this one. */
  public static JobRow owned(String tenantId, String id) {
    return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
  }

  /**
   * {@link #owned} read under {@code lock}, held until the transaction ends. Read a row that will
   * be changed this way, never before its lock: Hibernate does not refresh a row it holds already
   * when it locks it, so a change committed in between (a job's end) would be written back over.
   */
  public static JobRow owned(String tenantId, String id, LockModeType lock) {
    return find("id = ?1 and tenantId = ?2", id, tenantId).withLock(lock).firstResult();
  }
}
