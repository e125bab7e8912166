package trainyard.api.job;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One point of a job's metric series. */
@Entity
@Table(name = "metrics")
public class MetricRow extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "event_id")
  public String eventId;

  @Column(name = "job_id")
  public String jobId;

  public Integer epoch;
  public Long step;
  public String name;
  public double value;
  public Instant time;
}
