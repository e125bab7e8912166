package trainyard.api.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A bearer token, stored as the SHA-256 of its text. */
@Entity
@Table(name = "api_tokens")
public class ApiToken extends PanacheEntityBase {
  @Id
  @Column(name = "token_hash")
  public String tokenHash;

  @Column(name = "tenant_id")
  public String tenantId;

  public String name;
  public boolean admin;

  @Column(name = "created_at")
  public Instant createdAt;
}
