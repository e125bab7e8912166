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

  Health health();

  Limits limits();

  Quota quota();

  interface Kafka {
    /** An external broker; if absent this process starts an embedded one under data/kafka. */
    Optional<String> bootstrapServers();

    /**
     * The embedded broker's port; 0: a free port at its first start, the same one at later starts
     * (remembered in data/kafka-port) while it is free, so that joined executors find it again.
     */
    @WithDefault("0")
    int embeddedPort();

    /**
     * The host other processes reach the embedded broker at. A loopback address (the default)
     * keeps the broker on loopback, reachable from this machine only; any other name or address
     * makes it listen on every interface and tell clients to use that name.
     */
    @WithDefault("127.0.0.1")
    String advertisedHost();

    /**
     * How this process's Kafka clients authenticate to the external broker: PLAINTEXT, or
     * SASL_PLAINTEXT / SASL_SSL with a SCRAM user (compose's published listener asks for one).
     */
    @WithDefault("PLAINTEXT")
    String securityProtocol();

    /** SCRAM-SHA-512 or SCRAM-SHA-256, for a SASL protocol. */
    @WithDefault("SCRAM-SHA-512")
    String saslMechanism();

    Optional<String> saslUsername();

    Optional<String> saslPassword();
  }

  interface Upload {
    /** Largest accepted upload body, in bytes. */
    @WithDefault("68719476736")
    long maxBytes();

    /** Largest chunk of a resumable upload, in bytes. */
    @WithDefault("67108864")
    long maxChunkBytes();

    /** An open resumable upload that got no chunk for this long expires: its bytes are deleted. */
    @WithDefault("24h")
    Duration expireAfter();

    /** Datasets ingested at once, all tenants together; more wait in line. */
    @WithDefault("4")
    int ingestThreads();

    /** Datasets of one tenant ingested at once, so that one tenant's slow uploads leave permits to the others. */
    @WithDefault("1")
    int ingestThreadsPerTenant();

    /** How long a streamed upload waits for a permit before it is refused (429 ingest_busy); 0: not at all. */
    @WithDefault("30s")
    Duration ingestWait();
  }

  interface Jobs {
    /**
     * How long after its submit the api hands the scheduler again a job still QUEUED, and how
     * often it looks: a scheduler restarted alone has forgotten its queue.
     */
    @WithDefault("30s")
    Duration resendInterval();

    /** The gaps between such resends of one job double up to this. */
    @WithDefault("10m")
    Duration resendMaxInterval();

    /**
     * Attempts of a job that may fail (an executor of one of its members lost or restarted, a
     * member's part failed, or no executor reported running it: the api's reconciliation) before
     * the scheduler or the reconciliation ends it FAILED instead of requeuing it.
     */
    @WithDefault("3")
    int maxAttempts();

    /**
     * How long a job may show ASSIGNED or RUNNING while no executor's heartbeat lists it (and
     * the api reads heartbeats) before the api requeues it, or ends it CANCELLED if its user
     * asked to cancel it: the bound on a state kept by a lost terminal event or executor.
     */
    @WithDefault("60s")
    Duration reconcileAfter();
  }

  /** Each tenant's limits unless an admin set its own (PUT /api/v1/tenants/{tenant}/quota); unset: unlimited. */
  interface Quota {
    /** Bytes of datasets, open uploads (their declared size) and models. */
    Optional<Long> storageBytes();

    /** Jobs not yet ended: QUEUED, ASSIGNED or RUNNING. */
    Optional<Integer> concurrentJobs();

    /** Resumable uploads still OPEN. */
    Optional<Integer> openUploads();

    /** GPUs asked for by the jobs not yet ended, every member counted. */
    Optional<Integer> gpus();
  }

  interface Health {
    /** Readiness is DOWN while the data directory's file system has less free space than this, in MiB. */
    @WithDefault("1024")
    long minFreeDiskMb();
  }

  /** What one request or tenant may hold of the api's memory and threads. */
  interface Limits {
    /** Largest request body other than an upload's or predict's, in bytes (413 body_too_large beyond). */
    @WithDefault("1048576")
    long bodyBytes();

    /** Largest predict request body, in bytes (413 predict_too_large beyond): its rows are parsed in memory. */
    @WithDefault("16777216")
    long predictBytes();

    /** Most predictions one predict request answers, rows × the model's outputs (413 predict_too_large beyond). */
    @WithDefault("1048576")
    long predictOutputs();

    /** Loaded models kept for predict, in bytes of their files; the least recently used go first. */
    @WithDefault("268435456")
    long modelCacheBytes();

    /** Live event streams (SSE) one tenant may hold open at once (429 too_many_streams beyond). */
    @WithDefault("16")
    int streamsPerTenant();
  }

  interface Executor {
    /** This executor's id on the bus; defaults to the host name. */
    Optional<String> id();

    /** Worker and server threads offered to jobs; defaults to the machine's processors, at least 4. */
    Optional<Integer> cores();

    /**
     * At most this many of the GPUs the CUDA driver finds are offered to jobs (the lowest
     * ordinals); defaults to all it finds. 0 makes a CPU executor of a GPU machine.
     */
    Optional<Integer> gpus();

    /** Memory offered to jobs, in MiB; defaults to three quarters of the JVM's heap. */
    Optional<Long> memoryMb();

    /** The engine's data port, where members of a job over several executors talk; 0: any free port. */
    @WithDefault("0")
    int dataPort();

    /** The host the other executors reach the data port at; defaults to the host name (127.0.0.1 without one). */
    Optional<String> dataHost();

    /** How long a member of a job waits for a silent peer before its part of the attempt fails. */
    @WithDefault("30s")
    Duration peerTimeout();
  }

  enum Role {
    API,
    SCHEDULER,
    EXECUTOR
  }
}
