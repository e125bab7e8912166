package trainyard.api.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A customer of the service; owns tokens, datasets, jobs and models. */
@Entity
@Table(name = "tenants")
public class Tenant extends PanacheEntityBase {
  @Id public String id;
  public String name;

  @Column(name = "created_at")
  public Instant createdAt;

  public static Tenant findByName(String name) {
    return find("name", name).firstResult();
  }
}
