package trainyard.api.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Trainyard's own configuration (the README's table lists every key and its environment
 * variable). Quarkus keys (port, datasource) keep their Quarkus names.
 */
@ConfigMapping(prefix = "trainyard")
public interface TrainyardConfig {
  /** The blob store: uploads, shards, checkpoints, models, embedded servers' state. */
  @WithDefault("./data")
  Path dataDir();

  /** Which parts this process runs. */
  @WithDefault("api,scheduler,executor")
  Set<Role> roles();

  /** A token to make (or keep) the admin token on start; if absent the first start generates one. */
  Optional<String> adminToken();

  /** Run the sample job through the REST API once the server is up. */
  @WithDefault("false")
  boolean demo();

  Kafka kafka();

  Upload upload();

  Executor executor();

  Jobs jobs();

  interface Kafka {
    /** An external broker; if absent this process starts an embedded one under data/kafka. */
    Optional<String> bootstrapServers();
  }

  interface Upload {
    /** Largest accepted upload body, in bytes. */
    @WithDefault("68719476736")
    long maxBytes();

    /** Largest chunk of a resumable upload, in bytes. */
    @WithDefault("67108864")
    long maxChunkBytes();

    /** Datasets ingested at once; more wait in line. */
    @WithDefault("1")
    int ingestThreads();
  }

  interface Jobs {
    /**
     * How often the api hands the scheduler again every job still QUEUED that was submitted
     * longer ago than that: a scheduler restarted alone has forgotten its queue.
     */
    @WithDefault("30s")
    Duration resendInterval();
  }

  interface Executor {
    /** This executor's id on the bus; defaults to the host name. */
    Optional<String> id();

    /** Worker and server threads offered to jobs; defaults to the machine's processors, at least 4. */
    Optional<Integer> cores();

    /** GPUs offered to jobs. */
    @WithDefault("0")
    int gpus();

    /** Memory offered to jobs, in MiB; defaults to three quarters of the JVM's heap. */
    Optional<Long> memoryMb();
  }

  enum Role {
    API,
    SCHEDULER,
    EXECUTOR
  }
}
