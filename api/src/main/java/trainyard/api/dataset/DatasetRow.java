package trainyard.api.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;

/** A dataset's row in PostgreSQL. Stats columns are null until it is READY. */
@Entity
@Table(name = "datasets")
public class DatasetRow extends PanacheEntityBase {
  @Id public String id;

  @Column(name = "tenant_id")
  public String tenantId;

  public String name;
  public String format;

  /** See {@link DatasetStatus}. */
  public String status;

  @Column(name = "status_reason")
  public String statusReason;

  /** JSON array of the first bad lines: {line, column, reason}. */
  @Column(name = "bad_lines")
  public String badLines;

  /** The file's size; 0 while a streamed upload's body is still arriving. */
  @Column(name = "upload_bytes")
  public long uploadBytes;

  public boolean gzip;
  public Long rows;
  public Long features;

  @Column(name = "non_zeros")
  public Long nonZeros;

  public Long positives;
  public Long negatives;
  public Long bytes;
  public Integer shards;

  @Column(name = "hash_bits")
  public Integer hashBits;

  @Column(name = "has_fields")
  public Boolean hasFields;

  public String checksum;

  /** {@link trainyard.engine.data.DatasetStats#maxFeatureId}; null for a dataset ingested before it was counted. */
  @Column(name = "max_feature_id")
  public Long maxFeatureId;

  /** {@link trainyard.engine.data.DatasetStats#classes}; null as {@link #maxFeatureId}. */
  public Integer classes;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  @Column(name = "ready_at")
  public Instant readyAt;

  /** The tenant's dataset, or null: another tenant's dataset does not exist for this one. */
  public static DatasetRow owned(String tenantId, String id) {
    return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
  }

  /**
   * {@link #owned} with the row locked until the transaction ends: shared by a job's submission,
   * exclusive for a deletion, so that neither sees the other half done.
   */
  public static DatasetRow owned(String tenantId, String id, LockModeType lock) {
    return find("id = ?1 and tenantId = ?2", id, tenantId).withLock(lock).firstResult();
  }
}
