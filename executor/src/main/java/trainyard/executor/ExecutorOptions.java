package trainyard.executor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import trainyard.bus.Capacity;
import trainyard.gpu.GpuDevice;

/**
 * How an {@link Executor} runs. Immutable; start from {@link #defaults(String, Path)}.
 *
 * @param id                the executor's id: the key of its assignments and heartbeats
 * @param capacity          cores (worker and server threads), GPUs and memory it offers to jobs;
 *                          its GPUs are {@code gpus.size()}
 * @param dataDir           the blob store: datasets are read from where assignments say, and
 *                          {@code checkpoints/{jobId}} and {@code models/{jobId}/model.bin} are
 *                          written under it
 * @param heartbeatInterval how often it tells the scheduler what is free
 * @param stopTimeout       how long {@link Executor#close()} waits for jobs to stop
 * @param clock             the time on events and heartbeats
 * @param dataHost          the host other executors reach this one's data port at (its heartbeats
 *                          carry it); the data port listens on every interface
 * @param dataPort          the engine's data port, where members of jobs over several executors
 *                          talk; 0: any free port
 * @param peerTimeout       how long a member waits for a silent peer before its part of the
 *                          attempt fails (it then stops listing the job: the scheduler requeues it)
 * @param gpus              the CUDA devices it offers to jobs, by ordinal (see {@link GpuOffer})
 */
public record ExecutorOptions(
    String id, Capacity capacity, Path dataDir, Duration heartbeatInterval, Duration stopTimeout,
    Clock clock, String dataHost, int dataPort, Duration peerTimeout, List<GpuDevice> gpus) {

  public ExecutorOptions {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(clock, "clock");
    if (id.isBlank()) {
      throw new IllegalArgumentException("executor id must not be blank");
    }
    if (capacity.cores() < 1 || capacity.gpus() < 0 || capacity.memoryMb() < 1) {
      throw new IllegalArgumentException("capacity must have >= 1 core, >= 0 GPUs and >= 1 MB, got " + capacity);
    }
    if (heartbeatInterval.toMillis() <= 0) {
      throw new IllegalArgumentException("heartbeatInterval must be > 0, got " + heartbeatInterval);
    }
    if (stopTimeout.isNegative()) {
      throw new IllegalArgumentException("stopTimeout must be >= 0, got " + stopTimeout);
    }
    Objects.requireNonNull(dataHost, "dataHost");
    if (dataHost.isBlank()) {
      throw new IllegalArgumentException("dataHost must not be blank");
    }
    if (dataPort < 0 || dataPort > 65_535) {
      throw new IllegalArgumentException("dataPort must be 0..65535, got " + dataPort);
    }
    if (peerTimeout.toMillis() <= 0) {
      throw new IllegalArgumentException("peerTimeout must be > 0, got " + peerTimeout);
    }
    gpus = List.copyOf(gpus);
    if (capacity.gpus() != gpus.size()) {
      throw new IllegalArgumentException("capacity has " + capacity.gpus() + " GPUs but " + gpus.size()
          + " devices are offered; offer them with withGpus");
    }
  }

  /**
   * This machine's processors, no GPUs (see {@link #withGpus}), three quarters of the JVM's maximum heap, a heartbeat a
   * second, 30 s to stop, the system clock, a data port on any free port at this machine's host
   * name (127.0.0.1 when it has none), 30 s of peer timeout.
   */
  public static ExecutorOptions defaults(String id, Path dataDir) {
    long memoryMb = Runtime.getRuntime().maxMemory() / 4 * 3 / (1024 * 1024);
    return new ExecutorOptions(id,
        new Capacity(Runtime.getRuntime().availableProcessors(), 0, Math.max(1, memoryMb)),
        dataDir, Duration.ofSeconds(1), Duration.ofSeconds(30), Clock.systemUTC(), hostName(), 0,
        Duration.ofSeconds(30), List.of());
  }

  /** This machine's host name, or 127.0.0.1 when it cannot be found. */
  public static String hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name == null || name.isBlank() ? "127.0.0.1" : name;
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  public ExecutorOptions withCapacity(Capacity capacity) {
    return new ExecutorOptions(id, capacity, dataDir, heartbeatInterval, stopTimeout, clock, dataHost, dataPort,
        peerTimeout, gpus);
  }

  public ExecutorOptions withHeartbeatInterval(Duration heartbeatInterval) {
    return new ExecutorOptions(id, capacity, dataDir, heartbeatInterval, stopTimeout, clock, dataHost, dataPort,
        peerTimeout, gpus);
  }

  public ExecutorOptions withStopTimeout(Duration stopTimeout) {
    return new ExecutorOptions(id, capacity, dataDir, heartbeatInterval, stopTimeout, clock, dataHost, dataPort,
        peerTimeout, gpus);
  }

  public ExecutorOptions withClock(Clock clock) {
    return new ExecutorOptions(id, capacity, dataDir, heartbeatInterval, stopTimeout, clock, dataHost, dataPort,
        peerTimeout, gpus);
  }

  public ExecutorOptions withDataHost(String dataHost) {
    return new ExecutorOptions(id, capacity, dataDir, heartbeatInterval, stopTimeout, clock, dataHost, dataPort,
        peerTimeout, gpus);
  }

  public ExecutorOptions withDataPort(int dataPort) {
    return new ExecutorOptions(id, capacity, dataDir, heartbeatInterval, stopTimeout, clock, dataHost, dataPort,
        peerTimeout, gpus);
  }

  /** Offers {@code gpus} to jobs, and as many GPUs in {@link #capacity()}. */
  public ExecutorOptions withGpus(List<GpuDevice> gpus) {
    return new ExecutorOptions(id, new Capacity(capacity.cores(), gpus.size(), capacity.memoryMb()), dataDir,
        heartbeatInterval, stopTimeout, clock, dataHost, dataPort, peerTimeout, gpus);
  }

  public ExecutorOptions withPeerTimeout(Duration peerTimeout) {
    return new ExecutorOptions(id, capacity, dataDir, heartbeatInterval, stopTimeout, clock, dataHost, dataPort,
        peerTimeout, gpus);
  }

  /** {@code data/checkpoints/{jobId}}. */
  public Path checkpointDir(String jobId) {
    return dataDir.resolve("checkpoints").resolve(safe(jobId));
  }

  /** {@code data/models/{jobId}/model.bin}. */
  public Path modelFile(String jobId) {
    return dataDir.resolve("models").resolve(safe(jobId)).resolve("model.bin");
  }

  /** A job id names directories: it must not climb out of the blob store. */
  private static String safe(String jobId) {
    if (!SAFE_ID.matcher(jobId).matches() || jobId.equals(".") || jobId.equals("..")) {
      throw new IllegalArgumentException("job id must be 1..200 of [A-Za-z0-9_.-], got \"" + jobId + "\"");
    }
    return jobId;
  }

  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,200}");
}
