package trainyard.api.quota;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The limits an admin set for one tenant; a null one is the configured default. */
@Entity
@Table(name = "tenant_quotas")
public class QuotaRow extends PanacheEntityBase {
  @Id
  @Column(name = "tenant_id")
  public String tenantId;

  @Column(name = "storage_bytes")
  public Long storageBytes;

  @Column(name = "concurrent_jobs")
  public Integer concurrentJobs;

  @Column(name = "open_uploads")
  public Integer openUploads;

  public Integer gpus;

  @Column(name = "updated_at")
  public Instant updatedAt;
}
