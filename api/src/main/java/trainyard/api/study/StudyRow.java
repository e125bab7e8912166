package trainyard.api.study;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;

/** A study's row: its request as read, its budget and what the driver concluded. */
@Entity
@Table(name = "studies")
public class StudyRow extends PanacheEntityBase {
  @Id public String id;

  @Column(name = "tenant_id")
  public String tenantId;

  public String name;

  /** The request with every default filled ({@link StudyRequest#toJson}). */
  @Column(name = "request_json")
  public String requestJson;

  public String method;

  @Column(name = "objective_metric")
  public String objectiveMetric;

  public boolean maximize;
  public int trials;

  @Column(name = "max_parallel")
  public int maxParallel;

  /** A {@link StudyState} name. */
  public String status;

  @Column(name = "status_reason")
  public String statusReason;

  @Column(name = "best_job_id")
  public String bestJobId;

  @Column(name = "model_id")
  public String modelId;

  @Column(name = "idempotency_key")
  public String idempotencyKey;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  /** The tenant's study, or null: another tenant's study does not exist for this one. */
  public static StudyRow owned(String tenantId, String id) {
    return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
  }

  /** {@link #owned} read under {@code lock}, held until the transaction ends; see {@code JobRow.owned}. */
  public static StudyRow owned(String tenantId, String id, LockModeType lock) {
    return find("id = ?1 and tenantId = ?2", id, tenantId).withLock(lock).firstResult();
  }
}
