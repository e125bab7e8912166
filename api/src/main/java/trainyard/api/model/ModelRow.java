package trainyard.api.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A trained model's row: where its file is and what its provenance says. */
@Entity
@Table(name = "models")
public class ModelRow extends PanacheEntityBase {
  @Id public String id;

  @Column(name = "tenant_id")
  public String tenantId;

  @Column(name = "job_id")
  public String jobId;

  /** The model file, relative to the blob store when it lies inside it. */
  public String path;

  public String algorithm;

  @Column(name = "hash_bits")
  public int hashBits;

  public long keys;
  public long bytes;

  /** JSON of the model's provenance (engine ModelInfo). */
  @Column(name = "info_json")
  public String infoJson;

  @Column(name = "created_at")
  public Instant createdAt;

  public static ModelRow owned(String tenantId, String id) {
    return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
  }
}
