package trainyard.api.upload;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A resumable upload's row: what was declared and how many bytes are durably in. */
@Entity
@Table(name = "uploads")
public class UploadRow extends PanacheEntityBase {
  @Id public String id;

  @Column(name = "tenant_id")
  public String tenantId;

  public String name;
  public String format;

  @Column(name = "hash_bits")
  public int hashBits;

  public long size;
  public String sha256;
  public long received;

  /** OPEN, COMPLETED, FAILED or EXPIRED (no chunk for trainyard.upload.expire-after). */
  public String status;

  @Column(name = "dataset_id")
  public String datasetId;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  static UploadRow owned(String tenantId, String id) {
    return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
  }
}
