package trainyard.api.job;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One member of a job (its part on one executor) as the STATE ASSIGNED of {@link #attempt}
 * placed it, with the member's latest MEMBER stats. One row per (job, rank): a newer attempt's
 * placement overwrites it. See V7__job_members.sql.
 */
@Entity
@Table(name = "job_members")
@IdClass(JobMemberRow.Key.class)
public class JobMemberRow extends PanacheEntityBase {
  @Id
  @Column(name = "job_id")
  public String jobId;

  @Id
  public int rank;

  /** The attempt whose ASSIGNED placed this member. */
  public int attempt;

  @Column(name = "executor_id")
  public String executorId;

  public String host;
  public int port;

  @Column(name = "first_worker")
  public int firstWorker;

  public int workers;

  @Column(name = "first_server")
  public int firstServer;

  public int servers;

  @Column(name = "examples_per_sec")
  public Double examplesPerSec;

  @Column(name = "bytes_pushed")
  public Long bytesPushed;

  @Column(name = "bytes_pulled")
  public Long bytesPulled;

  /** JSON: the ordinals of its executor's GPUs it holds; {@code []} on CPU. */
  public String gpus;

  /** The MEMBER event the stats are from. */
  @Column(name = "stats_event_id")
  public String statsEventId;

  /** That event's time, by the member's clock. */
  @Column(name = "stats_time")
  public Instant statsTime;

  /** When this row last changed, by the api's clock. */
  @Column(name = "updated_at")
  public Instant updatedAt;

  /** The members the job's current attempt (the one that set its state) was placed on, by rank. */
  static List<JobMemberRow> current(JobRow job) {
    return find("jobId = ?1 and attempt = ?2 order by rank", job.id, job.stateAttempt).list();
  }

  /** The job's member {@code rank}, of whichever attempt placed it last, or null. */
  static JobMemberRow of(String jobId, int rank) {
    return find("jobId = ?1 and rank = ?2", jobId, rank).firstResult();
  }

  /** The primary key: (job, rank). */
  public static final class Key implements Serializable {
    public String jobId;
    public int rank;

    public Key() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.rank == rank && Objects.equals(k.jobId, jobId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(jobId, rank);
    }
  }
}
