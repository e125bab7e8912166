package trainyard.bus;

import java.util.List;
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
    long timeMillis) {

  public Heartbeat {
    Objects.requireNonNull(executorId, "executorId");
    runningJobs = runningJobs == null ? List.of() : List.copyOf(runningJobs);
  }
}
