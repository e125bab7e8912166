package trainyard.bus;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An executor's capacity and load on {@link Topics#HEARTBEATS}, keyed by executor id, sent
 * about once a second. Immutable.
 *
 * @param executorId   who sends it
 * @param cores        threads it may run for jobs (workers + servers of every job)
 * @param gpus         GPUs it has
 * @param memoryMb     memory it may give to jobs
 * @param freeCores    cores not taken by running jobs
 * @param freeGpus     GPUs not taken by running jobs
 * @param freeMemoryMb memory not taken by running jobs
 * @param runningJobs  ids of the jobs it runs now
 * @param timeMillis   the executor's clock when it sent this
 * @param session      new each time the executor process starts: a new session under a known
 *                     id means the executor restarted and lost the jobs it ran before
 * @param dataHost     host of its engine data port as other executors reach it, or null
 * @param dataPort     its engine data port (workers and servers of jobs spread over several
 *                     executors talk there), or 0 when it has none
 * @param devices      its GPUs by ordinal, each with the job holding it; {@code gpus} of them
 *                     (empty from executors that predate them), {@code freeGpus} free
 * @param attempts     job id → the attempt of it this executor runs, for each of {@code runningJobs}
 *                     (empty from executors that predate it: their jobs' attempts are unknown), so
 *                     that the api can tell an executor still running an older attempt from one
 *                     running the job's current attempt
 */
public record Heartbeat(
    String executorId,
    int cores,
    int gpus,
    long memoryMb,
    int freeCores,
    int freeGpus,
    long freeMemoryMb,
    List<String> runningJobs,
    long timeMillis,
    String session,
    String dataHost,
    int dataPort,
    List<Gpu> devices,
    Map<String, Integer> attempts) {

  public Heartbeat {
    Objects.requireNonNull(executorId, "executorId");
    runningJobs = runningJobs == null ? List.of() : List.copyOf(runningJobs);
    devices = devices == null ? List.of() : List.copyOf(devices);
    attempts = attempts == null ? Map.of() : Map.copyOf(attempts);
  }

  /** A heartbeat without attempts, as executors before them sent them. */
  public Heartbeat(String executorId, int cores, int gpus, long memoryMb, int freeCores, int freeGpus,
      long freeMemoryMb, List<String> runningJobs, long timeMillis, String session, String dataHost, int dataPort,
      List<Gpu> devices) {
    this(executorId, cores, gpus, memoryMb, freeCores, freeGpus, freeMemoryMb, runningJobs, timeMillis, session,
        dataHost, dataPort, devices, null);
  }

  /** The attempt of {@code jobId} this executor runs, or 0 when it does not say (an older executor). */
  public int attemptOf(String jobId) {
    return attempts.getOrDefault(jobId, 0);
  }

  /** A heartbeat without devices, as executors before GPU discovery sent them. */
  public Heartbeat(String executorId, int cores, int gpus, long memoryMb, int freeCores, int freeGpus,
      long freeMemoryMb, List<String> runningJobs, long timeMillis, String session, String dataHost, int dataPort) {
    this(executorId, cores, gpus, memoryMb, freeCores, freeGpus, freeMemoryMb, runningJobs, timeMillis, session,
        dataHost, dataPort, (List<Gpu>) null);
  }

  /** A heartbeat without a session, as executors before sessions sent them. */
  public Heartbeat(String executorId, int cores, int gpus, long memoryMb, int freeCores, int freeGpus,
      long freeMemoryMb, List<String> runningJobs, long timeMillis) {
    this(executorId, cores, gpus, memoryMb, freeCores, freeGpus, freeMemoryMb, runningJobs, timeMillis, null);
  }

  /** A heartbeat without a data port, as executors before jobs over several executors sent them. */
  public Heartbeat(String executorId, int cores, int gpus, long memoryMb, int freeCores, int freeGpus,
      long freeMemoryMb, List<String> runningJobs, long timeMillis, String session) {
    this(executorId, cores, gpus, memoryMb, freeCores, freeGpus, freeMemoryMb, runningJobs, timeMillis, session,
        null, 0);
  }
}
