package trainyard.api.job;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One stored job event. {@code seq} (from the database) orders a job's events as they were stored. */
@Entity
@Table(name = "job_events")
public class JobEventRow extends PanacheEntityBase {
  @Id
  @Column(name = "event_id")
  public String eventId;

  @Column(insertable = false, updatable = false)
  public Long seq;

  @Column(name = "job_id")
  public String jobId;

  public String type;
  public String state;
  public String reason;
  public String message;
  public Double progress;
  public Integer epoch;
  public Long step;

  /** JSON object {name: value} (METRIC; MODEL: the model's final metrics). */
  public String metrics;

  @Column(name = "model_path")
  public String modelPath;

  @Column(name = "executor_id")
  public String executorId;

  public Instant time;
}
