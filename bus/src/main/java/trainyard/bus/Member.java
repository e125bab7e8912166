package trainyard.bus;

import java.util.List;
import java.util.Objects;

/**
 * One executor's part in a job spread over several (gang placement): who it is, where its engine
 * data port listens, and which of the job's workers and server shards it runs. Members are
 * ranked 0..M-1; rank 0 coordinates the job (readiness, epochs, validation, checkpoints, the
 * model and the job's state). Immutable.
 *
 * @param rank        0..M-1
 * @param executorId  the executor that runs this member
 * @param host        host of the executor's data port, as peers reach it
 * @param port        the executor's data port; 0 for a job of one member (no network)
 * @param firstWorker global index of this member's first worker
 * @param workers     how many workers it runs
 * @param firstServer global index of this member's first server shard
 * @param servers     how many server shards it runs
 * @param gpus        the ordinals of its executor's GPUs it holds ({@code resources.gpus} of them,
 *                    chosen by the scheduler among those free); empty for a job on CPU
 */
public record Member(int rank, String executorId, String host, int port, int firstWorker, int workers,
    int firstServer, int servers, List<Integer> gpus) {

  public Member {
    Objects.requireNonNull(executorId, "executorId");
    gpus = gpus == null ? List.of() : List.copyOf(gpus);
    if (gpus.stream().anyMatch(g -> g < 0) || gpus.stream().distinct().count() < gpus.size()) {
      throw new IllegalArgumentException("a member's GPUs must be distinct ordinals >= 0, got " + gpus);
    }
    if (rank < 0 || workers < 0 || servers < 0 || firstWorker < 0 || firstServer < 0 || port < 0 || port > 65535) {
      throw new IllegalArgumentException("bad member: rank " + rank + ", port " + port + ", workers " + firstWorker
          + "+" + workers + ", servers " + firstServer + "+" + servers);
    }
  }

  /** A member on CPU only. */
  public Member(int rank, String executorId, String host, int port, int firstWorker, int workers, int firstServer,
      int servers) {
    this(rank, executorId, host, port, firstWorker, workers, firstServer, servers, null);
  }
}
