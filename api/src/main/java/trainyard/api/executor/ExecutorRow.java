package trainyard.api.executor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The last heartbeat of an executor. */
@Entity
@Table(name = "executors")
public class ExecutorRow extends PanacheEntityBase {
  @Id public String id;
  public int cores;
  public int gpus;

  @Column(name = "memory_mb")
  public long memoryMb;

  @Column(name = "free_cores")
  public int freeCores;

  @Column(name = "free_gpus")
  public int freeGpus;

  @Column(name = "free_memory_mb")
  public long freeMemoryMb;

  @Column(name = "running_jobs")
  public int runningJobs;

  @Column(name = "last_seen")
  public Instant lastSeen;

  /** JSON: its GPUs as {@link ExecutorResource.GpuView}s. */
  @Column(name = "gpu_devices")
  public String gpuDevices;
}
