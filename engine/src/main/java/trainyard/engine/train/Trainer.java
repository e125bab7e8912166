package trainyard.engine.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import trainyard.engine.io.FileTrees;
import trainyard.engine.metrics.MetricsAccumulator;
import trainyard.engine.model.Algorithm;
import trainyard.engine.model.BatchCompute;
import trainyard.engine.model.Model;
import trainyard.engine.model.ModelInfo;
import trainyard.engine.model.ScoreShares;
import trainyard.engine.optim.Schedule;
import trainyard.engine.ps.Membership;
import trainyard.engine.ps.ParameterServer;
import trainyard.spec.JobSpec;

/**
 * The engine's facade: trains the model a job spec describes on a parameter server of
 * {@code servers} shards with {@code workers} worker threads, epoch by epoch, in one process or
 * spread over several ({@link Cluster}). Either way a {@link Coordinator} runs the epochs and
 * each process's {@link Member} its workers and shards. Training and
 * validation data are streamed shard by shard ({@link WorkerStream}, {@link TrainingData}), so
 * memory does not grow with the dataset ({@link MemoryEstimate}).
 *
 * <p>Each call is independent; an instance is thread-safe. Listener calls come from one thread:
 * the calling one, or with a stall timeout rank 0's coordinator thread, which the calling one
 * watches ({@link Pulse}); {@link TrainListener#onMember} comes from the member's. {@code
 * cancelled} is polled by the workers before every minibatch and by the coordinator, so it must be
 * thread-safe.
 */
public final class Trainer {
  private static final AtomicInteger JOBS = new AtomicInteger();

  private final Clock clock;
  private final Duration stallTimeout;

  /** {@code clock} decides the {@code stopping.maxSeconds} deadline; no stall watch. */
  public Trainer(Clock clock) {
    this(clock, null);
  }

  /**
   * As {@link #Trainer(Clock)}; a member that shows no progress for {@code stallTimeout} while the
   * coordinator waits for it loses the attempt ({@link StallWatch}; null: no watch), in one
   * process too: a worker stuck on a hung file system would otherwise hold the job, even against
   * a cancel. So does the coordinator itself when its thread shows no sign of life ({@link Pulse})
   * for as long. Members report progress every {@link Member#REPORT_MILLIS} ms, so the timeout
   * must be several times that.
   */
  public Trainer(Clock clock, Duration stallTimeout) {
    this.clock = clock;
    this.stallTimeout = stallTimeout;
  }

  /** Trains with the system clock. */
  public static TrainResult train(TrainRequest request, TrainListener listener, BooleanSupplier cancelled)
      throws IOException {
    return new Trainer(Clock.systemUTC()).run(request, listener, cancelled);
  }

  /** As {@link #train}, with this trainer's clock. */
  public TrainResult run(TrainRequest request, TrainListener listener, BooleanSupplier cancelled) throws IOException {
    return run(request, (Algorithm) null, listener, cancelled);
  }

  /** As {@link #run}, with {@code algorithm} instead of the one the spec names when not null (baselines in tests). */
  TrainResult run(TrainRequest request, Algorithm override, TrainListener listener, BooleanSupplier cancelled)
      throws IOException {
    return runJob(request, null, override, listener, cancelled);
  }

  /**
   * Runs this process's part of a job spread over several ({@code cluster}); every member calls it
   * at about the same time with the same request. Rank 0 coordinates: it returns the result and
   * gets the listener's onEpoch, onProgress, onCheckpoint and onLog calls; every rank gets
   * {@link TrainListener#onMember}, from its member's thread. Other ranks return null once the
   * coordinator finished the job, or as soon as {@code cancelled} says (the process abandons
   * the job: it stops, and the attempt is lost). The request must name a checkpoint directory
   * that every member sees: shards are saved there, and rank 0 builds the model from them.
   *
   * @throws AttemptLostException when a member was not ready in time, broke or fell silent: the
   *     job should run again from its checkpoint, not fail
   */
  public TrainResult run(TrainRequest request, Cluster cluster, TrainListener listener, BooleanSupplier cancelled)
      throws IOException {
    if (request.checkpointDir() == null) {
      throw new IllegalArgumentException("a job over several processes needs a checkpoint directory");
    }
    return runJob(request, cluster, null, listener, cancelled);
  }

  private TrainResult runJob(TrainRequest request, Cluster cluster, Algorithm override, TrainListener listener,
      BooleanSupplier cancelled) throws IOException {
    try {
      if (stallTimeout == null || (cluster != null && cluster.rank() != 0)) {
        return new Job(request, cluster, override, listener, new Pulse()).run(cancelled);
      }
      return watched(request, cluster, override, listener, cancelled);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while training", e);
    }
  }

  /**
   * Rank 0's part on a thread of its own, which the caller's thread watches: when its {@link
   * Pulse} has been silent for the stall timeout, the job is given up as a lost attempt. The
   * silent thread cannot be stopped, only interrupted, so it is fenced instead: its servers are
   * closed (the members leave), its listener calls are dropped from then on, and a checkpoint
   * it commits later is refused once the next attempt has committed one.
   */
  private TrainResult watched(TrainRequest request, Cluster cluster, Algorithm override, TrainListener listener,
      BooleanSupplier cancelled) throws IOException, InterruptedException {
    GatedListener gate = new GatedListener(listener);
    Pulse pulse = new Pulse();
    AtomicReference<Job> job = new AtomicReference<>();
    FutureTask<TrainResult> part = new FutureTask<>(() -> {
      Job j = new Job(request, cluster, override, gate, pulse);
      Thread.currentThread().setName(j.name + "-coordinator"); // named like the job's other threads
      job.set(j);
      return j.run(cancelled);
    });
    Thread thread = new Thread(part, "trainyard-coordinator");
    thread.setDaemon(true);
    thread.start();
    try {
      while (true) {
        try {
          return part.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          long silent = pulse.silentNanos();
          if (silent > stallTimeout.toNanos()) {
            gate.close();
            thread.interrupt();
            Job j = job.get();
            if (j != null) {
              j.abandon();
            }
            throw new AttemptLostException("the coordinator (rank 0) made no progress for "
                + TimeUnit.NANOSECONDS.toSeconds(silent) + " s: a step of its own did not return (a checkpoint's"
                + " commit, the model's export, a report), as on a hung file system");
          }
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof InterruptedException ie) {
            throw ie;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw (RuntimeException) cause;
        }
      }
    } catch (InterruptedException e) {
      thread.interrupt();
      throw e;
    }
  }

  /** One run of a job in this process: its data plan, algorithm, servers, workers and roles. */
  private final class Job {
    private final TrainRequest request;
    private final JobSpec spec;
    private final Cluster cluster;
    private final int rank;
    private final TrainListener listener;
    private final TrainingData data;
    private final Algorithm algorithm;
    /** Validation in shares over the members' own shards; null: of exported models (mlp). */
    private final ScoreShares shares;
    private final ModelInfo info;
    private final String fingerprint;
    /** Keys all servers will hold, roughly: sizes their tables. */
    private final int expectedKeys;
    private final String name = "trainyard-job-" + JOBS.incrementAndGet();
    private final Pulse pulse;
    /** What {@link #abandon} stops; set by {@link #run}. */
    private volatile ParameterServer servers;
    private volatile ExecutorService pool;

    Job(TrainRequest request, Cluster cluster, Algorithm override, TrainListener listener, Pulse pulse)
        throws IOException {
      this.pulse = pulse;
      this.request = request;
      this.spec = request.spec();
      this.cluster = cluster;
      this.rank = cluster == null ? 0 : cluster.rank();
      this.listener = listener;
      int workers = spec.resources().workers();
      if (cluster != null) {
        cluster.checkCovers(workers, spec.resources().servers());
      }
      this.data = TrainingData.plan(request, workers);
      this.algorithm = override != null ? override : Algorithms.create(spec, data, request.accelerator());
      this.shares = algorithm.scoreShares();
      this.info = new ModelInfo(algorithm.name(), 0, data.stats.hashBits(), spec.toJson(), data.stats.checksum(),
          spec.params().seed(), ModelInfo.ENGINE_VERSION);
      this.fingerprint = info.specJson() + "\n" + info.datasetChecksum();
      this.expectedKeys = (int) Math.min(Integer.MAX_VALUE, algorithm.expectedKeys());
    }

    TrainResult run(BooleanSupplier cancelled) throws IOException, InterruptedException {
      int workers = spec.resources().workers();
      int servers = spec.resources().servers();
      int firstWorker = cluster == null ? 0 : cluster.self().firstWorker();
      int myWorkers = cluster == null ? workers : cluster.self().workers();
      int firstServer = cluster == null ? 0 : cluster.self().firstServer();
      int myServers = cluster == null ? servers : cluster.self().servers();
      Path dir = request.checkpointDir();
      Checkpoints.Manifest resumed = dir == null ? null : Checkpoints.read(dir, fingerprint, servers, workers);
      if (rank == 0) {
        listener.onLog(algorithm.name() + ": " + workers + " workers, " + servers + " servers"
            + (cluster == null ? "" : " on " + cluster.peers().size() + " members") + ", " + data.trainRows
            + " training rows, " + data.validationRows + " validation rows, maxDelay "
            + spec.consistency().maxDelay());
      }
      Link link = cluster == null ? new Link.Local() : new Link.Net(cluster.peers().size());
      List<WorkerStream> streams = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, myWorkers), r -> {
        Thread t = new Thread(r, name + "-worker");
        t.setDaemon(true);
        return t;
      });
      this.pool = pool;
      try (ParameterServer ps = servers(link, myServers)) {
        this.servers = ps;
        if (resumed != null) {
          for (int i = 0; i < myServers; i++) {
            Checkpoints.loadShard(dir, resumed.tag(), firstServer + i, ps);
            pulse.beat();
          }
          if (rank == 0) {
            listener.onLog("resumed from checkpoint at epoch " + (resumed.progress().epochsDone() + 1) + ", "
                + resumed.progress().steps() + " minibatches done");
          }
        }
        List<WorkerLoop> loops = new ArrayList<>();
        // Only a network round trip is worth hiding; in one process a pull costs no wait.
        boolean pullAhead = cluster != null;
        for (int i = 0; i < myWorkers; i++) {
          BatchCompute compute = algorithm.newCompute();
          WorkerStream stream = data.stream(firstWorker + i, spec.params().batchSize(),
              b -> compute.index(b, spec.params().batchSize()));
          streams.add(stream);
          Schedule schedule = Schedule.of(spec.params().schedule(), spec.params().warmupSteps(),
              Math.max(1, spec.params().epochs() * stream.batchesPerEpoch()));
          loops.add(new WorkerLoop(ps.newWorker(i), spec.consistency().maxDelay(), compute, stream,
              spec.params().batchSize(), pullAhead, schedule));
        }
        long deadline = clock.millis() + spec.stopping().maxSeconds() * 1000;
        BooleanSupplier abandoned = rank == 0 ? () -> false : cancelled;
        BooleanSupplier stopHere = rank == 0 ? () -> cancelled.getAsBoolean() || clock.millis() >= deadline : () -> false;
        Member.Scorer scorer = shares == null ? null : new Member.Scorer() {
          @Override
          public float[] share(int block) throws IOException {
            return data.share(block, shares, ps.reader());
          }

          @Override
          public void release() {
            data.releaseValues();
          }
        };
        Member member = new Member(rank, link, ps, firstServer, myServers, firstWorker, loops, dir, pool, abandoned,
            stopHere, listener::onMember, scorer);
        if (rank != 0) {
          member.run();
          return null;
        }
        return coordinate(link, ps, member, resumed, cancelled, deadline);
      } finally {
        pool.shutdownNow();
        for (WorkerStream s : streams) {
          s.close();
        }
      }
    }

    /**
     * From another thread, once {@link #run}'s thread is given up: interrupts the workers and
     * closes the servers, so that peers learn the attempt is over and the data port is free.
     */
    void abandon() {
      ExecutorService p = pool;
      if (p != null) {
        p.shutdownNow();
      }
      ParameterServer ps = servers;
      if (ps != null) {
        ps.close();
      }
    }

    /** The job's servers in this process: all of them, or this member's shards on the network. */
    private ParameterServer servers(Link link, int myServers) {
      int servers = spec.resources().servers();
      if (cluster == null) {
        ParameterServer.Mode mode = serverMode(spec.resources().workers(), servers);
        listener.onLog("servers run " + (mode == ParameterServer.Mode.THREADS ? "on their own threads"
            : "in the workers' threads"));
        return new ParameterServer(algorithm.keyRanges(servers), algorithm::newUpdater, expectedKeys, name, mode);
      }
      ParameterServer.Mode mode = serverMode(cluster.peers().get(rank).workers(), myServers);
      listener.onLog("member " + rank + ": servers run " + (mode == ParameterServer.Mode.THREADS
          ? "on their own threads" : "in the threads that deliver requests (workers', network)"));
      Membership membership = new Membership(cluster.jobId(), cluster.attempt(), rank, cluster.addresses(),
          cluster.owners(), cluster.peerTimeout(), cluster.readyTimeout());
      Link.Net net = (Link.Net) link;
      ParameterServer ps;
      try {
        ps = ParameterServer.member(cluster.port(), membership, algorithm.keyRanges(servers), algorithm::newUpdater,
            (int) ((long) expectedKeys * myServers / servers), mode, net);
      } catch (IllegalStateException e) {
        throw new AttemptLostException(e.getMessage(), e);
      }
      net.attach(ps);
      return ps;
    }

    /** Rank 0: this process's member on a thread of its own, the coordinator on the caller's. */
    private TrainResult coordinate(Link link, ParameterServer ps, Member member, Checkpoints.Manifest resumed,
        BooleanSupplier cancelled, long deadline) throws IOException, InterruptedException {
      Path dir = request.checkpointDir();
      Path modelDir = dir != null ? dir : Scratch.jobDir();
      AtomicReference<Exception> memberFailure = new AtomicReference<>();
      Thread thread = new Thread(() -> {
        try {
          member.run();
        } catch (Exception e) {
          memberFailure.set(e); // Member.run told the coordinator (Failed), which stops the job
        }
      }, name + "-member-0");
      thread.setDaemon(true);
      thread.start();
      Coordinator coordinator = new Coordinator(link, new Coordinator.Job() {
        @Override
        public int firstWorker(int r) {
          return cluster == null ? 0 : cluster.peers().get(r).firstWorker();
        }

        @Override
        public Model export(long tag, Path file) throws IOException {
          ps.checkHealthy();
          return cluster == null ? algorithm.export(ps, info, file) : exportFromCheckpoint(dir, tag, file);
        }

        @Override
        public Path modelDir() {
          return modelDir;
        }

        @Override
        public Map<String, Double> validate(Model model) throws IOException {
          return data.hasValidation() ? data.evaluate(model) : Map.of();
        }

        @Override
        public boolean scoresInShares() {
          return shares != null;
        }

        @Override
        public int validationBlocks() {
          return data.hasValidation() ? data.validationBlocks() : 0;
        }

        @Override
        public MetricsAccumulator newMetrics() {
          return shares.newMetrics();
        }

        @Override
        public void addScores(int block, float[] sum, MetricsAccumulator metrics) throws IOException {
          data.addScores(block, sum, shares, metrics);
        }
      }, request.attempt(), spec.params().epochs(), spec.resources().workers(), spec.resources().servers(), dir, fingerprint, clock,
          deadline, spec.stopping().checkpointSeconds() * 1000,
          cluster == null ? Long.MAX_VALUE : cluster.readyTimeout().toMillis(),
          stallTimeout == null ? Long.MAX_VALUE : stallTimeout.toMillis(), pulse, listener, cancelled,
          BestEpoch.of(spec.stopping()));
      try {
        return coordinator.run(resumed);
      } catch (AttemptLostException e) {
        // This process's workers may be what stalled: interrupted, they let the member's thread go.
        pool.shutdownNow();
        throw e;
      } catch (RuntimeException e) {
        // This process's own member failed: its error, as thrown, says more than its report.
        join(thread);
        Exception own = memberFailure.get();
        if (own instanceof IOException io) {
          throw io;
        }
        throw own instanceof RuntimeException re ? re : e;
      } finally {
        try {
          link.send(0, new Control.Finish()); // this process's member stops, whatever happened
        } catch (AttemptLostException alreadyBroken) {
          // The member's link failed too: it has stopped.
        }
        join(thread);
      }
    }

    /** Waits up to 10 s for the member's thread to end; a wait, so it beats the pulse. */
    private void join(Thread member) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (member.isAlive() && System.nanoTime() < end) {
        pulse.beat();
        member.join(100);
      }
    }

    /** The model of checkpoint {@code tag}'s shard files, read one at a time. */
    private Model exportFromCheckpoint(Path dir, long tag, Path file) throws IOException {
      return algorithm.export(Checkpoints.shardValues(dir, tag, spec.resources().servers(), algorithm::newUpdater), info,
          file);
    }
  }

  /**
   * Server threads only when the machine has a core for every worker and server; otherwise the
   * workers run server requests themselves (no hand-offs). The system property
   * {@code trainyard.engine.ps.mode} ({@code threads} or {@code direct}) overrides, for benchmarks.
   */
  static ParameterServer.Mode serverMode(int workers, int servers) {
    String forced = System.getProperty("trainyard.engine.ps.mode", "");
    switch (forced) {
      case "threads":
        return ParameterServer.Mode.THREADS;
      case "direct":
        return ParameterServer.Mode.DIRECT;
      case "":
        return workers + servers <= Runtime.getRuntime().availableProcessors()
            ? ParameterServer.Mode.THREADS : ParameterServer.Mode.DIRECT;
      default:
        throw new IllegalArgumentException("trainyard.engine.ps.mode must be threads or direct, got '" + forced + "'");
    }
  }

  /**
   * Where jobs without a checkpoint directory (tests, benchmarks, local training) export their
   * models: a directory of each job's in one temporary directory of the JVM's, deleted at its exit.
   * Their models stay in these files until saved elsewhere.
   */
  private static final class Scratch {
    private static final Path ROOT = create();

    private static Path create() {
      try {
        Path root = Files.createTempDirectory("trainyard-models-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            FileTrees.deleteRecursively(root);
          } catch (IOException e) {
            // The JVM is going; a temporary directory left behind is the system's to clean.
          }
        }, "trainyard-models-cleanup"));
        return root;
      } catch (IOException e) {
        throw new UncheckedIOException("no temporary directory for exported models", e);
      }
    }

    static Path jobDir() throws IOException {
      return Files.createTempDirectory(ROOT, "job-");
    }
  }
}
