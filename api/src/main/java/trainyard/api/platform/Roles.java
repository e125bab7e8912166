package trainyard.api.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.OptionalInt;
import java.util.Set;
import org.jboss.logging.Logger;
import trainyard.api.platform.TrainyardConfig.Role;
import trainyard.bus.Capacity;
import trainyard.executor.Executor;
import trainyard.executor.ExecutorOptions;
import trainyard.executor.GpuOffer;
import trainyard.scheduler.Scheduler;
import trainyard.scheduler.SchedulerOptions;

/**
 * The scheduler and executor roles of this process: the runtime's own objects, started on the
 * bus. Thread-safe: start and stop are synchronized.
 */
@ApplicationScoped
public class Roles {
  private static final Logger LOG = Logger.getLogger(Roles.class);
  private static final int MIN_DEFAULT_CORES = 4;

  @Inject TrainyardConfig config;
  @Inject BlobStore blobs;

  private Scheduler scheduler; // Guarded by this
  private Executor executor; // Guarded by this

  synchronized void start(Set<Role> roles, String bootstrapServers) {
    if (roles.contains(Role.SCHEDULER)) {
      scheduler = Scheduler.start(bootstrapServers, SchedulerOptions.defaults()
          .withMaxAttempts(config.jobs().maxAttempts()));
      LOG.info("scheduler role started");
    }
    if (roles.contains(Role.EXECUTOR)) {
      GpuOffer gpus = GpuOffer.discover(gpuCap());
      LOG.info(gpus.line());
      ExecutorOptions options = executorOptions(gpus);
      try {
        executor = Executor.start(bootstrapServers, options);
      } catch (IllegalStateException e) {
        String message = "the executor's data port (trainyard.executor.data-port " + options.dataPort() + "): "
            + e.getMessage() + "; free the port or choose another (0: any free one)";
        LOG.error(message);
        throw new IllegalStateException(message, e);
      }
      LOG.infof("executor role started as %s with %s; peers reach it at %s", options.id(), options.capacity(),
          options.dataHost() + (options.dataPort() == 0 ? " (data port: any free one)" : ":" + options.dataPort()));
    }
  }

  /** {@code trainyard.executor.gpus}, when set. */
  OptionalInt gpuCap() {
    return config.executor().gpus().map(OptionalInt::of).orElseGet(OptionalInt::empty);
  }

  /**
   * The executor's options from {@link TrainyardConfig.Executor}: id, capacity, data port, peer
   * timeout, and the GPUs it offers.
   */
  ExecutorOptions executorOptions(GpuOffer gpus) {
    TrainyardConfig.Executor c = config.executor();
    ExecutorOptions defaults = ExecutorOptions.defaults(c.id().orElseGet(Roles::hostName), blobs.root());
    Capacity d = defaults.capacity();
    // Threads, not pinned cores: at least 4, so that the default spec (2 workers, 1 server)
    // runs on a 2-core machine.
    int cores = c.cores().orElse(Math.max(MIN_DEFAULT_CORES, d.cores()));
    return defaults.withCapacity(new Capacity(cores, 0, c.memoryMb().orElse(d.memoryMb())))
        .withGpus(gpus.gpus())
        .withDataHost(c.dataHost().orElse(defaults.dataHost()))
        .withDataPort(c.dataPort())
        .withPeerTimeout(c.peerTimeout());
  }

  /** The default executor id: the host name (in compose, the container's: one per replica, kept across restarts). */
  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "executor-1";
    }
  }

  synchronized void stop() {
    if (executor != null) {
      executor.close();
      executor = null;
    }
    if (scheduler != null) {
      scheduler.close();
      scheduler = null;
    }
  }
}
