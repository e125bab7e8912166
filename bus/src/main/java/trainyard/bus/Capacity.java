package trainyard.bus;

import trainyard.spec.JobSpec;

/**
 * An amount of executor resources: what an executor has or has free, or what a job needs.
 * The scheduler and the executors compute a job's demand with {@link #of(JobSpec)}, so that
 * the free capacity an executor reports and the scheduler's reservations agree. Immutable.
 *
 * @param cores    threads: one per worker and per server of each job
 * @param gpus     whole GPUs
 * @param memoryMb memory in MiB
 */
public record Capacity(int cores, int gpus, long memoryMb) {
  /** A job's fixed memory allowance: shard buffers, minibatches, the trainer's own state. */
  static final long BASE_MEMORY_MB = 128;
  /** Memory per worker or server thread: its key and value buffers and model slice. */
  static final long MEMORY_PER_THREAD_MB = 32;

  public static final Capacity NONE = new Capacity(0, 0, 0);

  /**
   * What each member of a job asks for: the threads of the largest member's share (rank 0
   * takes the remainder), the GPUs, and {@code memoryMb}, the engine's estimate for the job
   * (see JobMessage); when that is unknown (0), {@value #BASE_MEMORY_MB} MiB plus
   * {@value #MEMORY_PER_THREAD_MB} MiB per thread.
   */
  public static Capacity of(JobSpec spec, long memoryMb) {
    JobSpec.Resources r = spec.resources();
    int threads = r.workersOf(0) + r.serversOf(0);
    return new Capacity(threads, r.gpus(),
        memoryMb > 0 ? memoryMb : BASE_MEMORY_MB + MEMORY_PER_THREAD_MB * threads);
  }

  /** Whether {@code demand} fits in this amount. */
  public boolean fits(Capacity demand) {
    return demand.cores <= cores && demand.gpus <= gpus && demand.memoryMb <= memoryMb;
  }

  public Capacity minus(Capacity other) {
    return new Capacity(cores - other.cores, gpus - other.gpus, memoryMb - other.memoryMb);
  }

  public Capacity plus(Capacity other) {
    return new Capacity(cores + other.cores, gpus + other.gpus, memoryMb + other.memoryMb);
  }

  /** {@code n} times this amount: what {@code n} members of a job hold together. */
  public Capacity times(int n) {
    return new Capacity(cores * n, gpus * n, memoryMb * n);
  }

  /** "4 cores, 1 GPU, 512 MB", for the reasons users read. */
  @Override
  public String toString() {
    return cores + (cores == 1 ? " core, " : " cores, ") + gpus + (gpus == 1 ? " GPU, " : " GPUs, ")
        + memoryMb + " MB";
  }
}
