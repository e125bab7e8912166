package trainyard.executor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import trainyard.bus.Assignment;
import trainyard.bus.BusProducer;
import trainyard.bus.Capacity;
import trainyard.bus.JobEvent;
import trainyard.bus.JobState;
import trainyard.bus.Member;
import trainyard.engine.model.Accelerator;
import trainyard.engine.ps.DataPort;
import trainyard.engine.io.DiskFull;
import trainyard.engine.train.AttemptLostException;
import trainyard.engine.train.Cluster;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.ShardedDataset;
import trainyard.spec.JobSpec;
import trainyard.spec.SpecException;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.TrainResult;
import trainyard.engine.train.Trainer;
import trainyard.gpu.CudaAccelerator;
import trainyard.gpu.Devices;

/**
 * One job on an executor, start to end: RUNNING, the engine's metrics, progress and log lines,
 * then the model and SUCCEEDED, or FAILED with a reason, or CANCELLED. A job stopped for any
 * other reason (the executor closing, the scheduler moving it) ends without a terminal state:
 * it resumes from {@code data/checkpoints/{jobId}} wherever it runs next.
 *
 * <p>A job that asks for GPUs holds the ordinals its member was given from construction (the
 * executor's {@link GpuLeases}) to its end, and fails, naming why, when they cannot be given or
 * opened: it never falls back to the CPU.
 *
 * <p>{@link #run()} runs on the job's own thread; {@link #stop} may be called from any thread.
 */
final class JobRun implements Runnable {
  /** Why a job stops before its end. */
  enum Stop {
    /** The user cancelled it: it ends CANCELLED. */
    CANCEL,
    /** It runs elsewhere now: stop quietly. */
    RELEASE,
    /** The executor is closing: stop quietly; it resumes elsewhere. */
    SHUTDOWN
  }

  private static final System.Logger LOG = System.getLogger(JobRun.class.getName());
  /** Progress events are sent when progress moved this much, to keep the event log small. */
  private static final double PROGRESS_STEP = 0.01;

  /** Members report their throughput and traffic this often. */
  private static final long MEMBER_REPORT_MILLIS = 5000;

  private final Assignment assignment;
  private final Capacity demand;
  /** Heap the job may cache data in (Executor.cacheShare). */
  private final long cacheBytes;
  private final ExecutorOptions options;
  private final BusProducer producer;
  private final DataPort dataPort;
  /** This executor's rank in the job: 0 coordinates and reports the job's state. */
  private final int rank;
  private final Consumer<JobRun> onEnd;
  /** The ordinals of the executor's GPUs this member was given. */
  private final List<Integer> gpuOrdinals;
  private final GpuLeases gpus;
  /** Why the GPUs could not be taken, or null when they were. */
  private final GpuUnavailableException gpusRefused;
  private volatile Stop stop;

  /** Takes the member's GPUs from {@code gpus} at once: the caller's next heartbeat shows them held. */
  JobRun(Assignment assignment, Capacity demand, long cacheBytes, ExecutorOptions options, BusProducer producer,
      DataPort dataPort, GpuLeases gpus, Consumer<JobRun> onEnd) {
    this.assignment = assignment;
    this.demand = demand;
    this.cacheBytes = cacheBytes;
    this.options = options;
    this.producer = producer;
    this.dataPort = dataPort;
    Member self = assignment.self();
    this.rank = self == null ? 0 : self.rank();
    this.onEnd = onEnd;
    this.gpuOrdinals = self == null ? List.of() : self.gpus();
    this.gpus = gpus;
    this.gpusRefused = take(gpus, assignment.jobId(), gpuOrdinals);
  }

  private static GpuUnavailableException take(GpuLeases gpus, String jobId, List<Integer> ordinals) {
    try {
      gpus.take(jobId, ordinals);
      return null;
    } catch (GpuUnavailableException e) {
      return e;
    }
  }

  String jobId() {
    return assignment.jobId();
  }

  int attempt() {
    return assignment.attempt();
  }

  Capacity demand() {
    return demand;
  }

  /** Asks the job to stop at its next check; the first reason given wins. */
  void stop(Stop why) {
    synchronized (this) {
      if (stop == null) {
        stop = why;
      }
    }
  }

  @Override
  public void run() {
    try {
      if (rank == 0) {
        state(JobState.RUNNING, null);
      }
      log("started on executor " + options.id() + ", attempt " + assignment.attempt()
          + (distributed() ? ", member " + rank + " of " + assignment.members().size() : "")
          + (gpuOrdinals.isEmpty() ? "" : ", GPUs " + gpuOrdinals));
      train();
    } catch (AttemptLostException e) {
      lose(e.getMessage());
    } catch (Throwable t) {
      if (DiskFull.causedBy(t) && stop == null) {
        // The machine's fault, not the job's: another attempt, here once there is room or elsewhere.
        lose("the disk of executor " + options.id() + " is full (" + t.getMessage() + ")");
      } else {
        fail(t);
      }
    } finally {
      if (gpusRefused == null) {
        gpus.release(jobId());
      }
      onEnd.accept(this);
    }
  }

  private void train() throws IOException {
    JobSpec spec = JobSpec.parse(assignment.specJson());
    try (Accelerator gpus = openGpus(spec.resources().gpus())) {
      train(spec, gpus);
    }
  }

  /** Trains on the job's GPUs, or on the CPU where {@code gpus} is null. */
  private void train(JobSpec spec, Accelerator gpus) throws IOException {
    Dataset train = openDataset("training", assignment.datasetDir());
    Dataset validation = assignment.validationDir() == null ? null
        : openDataset("validation", assignment.validationDir());
    // The engine saves a checkpoint after every epoch and resumes from the one it finds here.
    Path checkpoints = options.checkpointDir(jobId());
    Files.createDirectories(checkpoints);

    TrainRequest request = new TrainRequest(spec, train, validation, checkpoints, assignment.attempt())
        .withAccelerator(gpus).withCacheBytes(cacheBytes);
    // A stall (no progress, connected or in one process) must outlast any one step of a member's
    // work, writing its shards into a checkpoint included: twenty peer timeouts, 10 min by default.
    Trainer trainer = new Trainer(options.clock(), options.peerTimeout().multipliedBy(20));
    Listener listener = new Listener();
    // Other ranks leave when this executor lets the job go; a cancel reaches them from rank 0.
    BooleanSupplier leave = rank == 0 ? () -> stop != null : () -> stop == Stop.RELEASE || stop == Stop.SHUTDOWN;
    TrainResult result;
    try {
      result = distributed() ? trainer.run(request, cluster(), listener, leave)
          : trainer.run(request, listener, leave);
    } finally {
      listener.flush();
    }
    if (rank != 0) {
      Stop why = stop;
      log(why == null ? "member " + rank + " done" : "member " + rank + " stopped: " + describe(why));
      return;
    }
    finish(result);
  }

  /**
   * Opens the member's GPUs for the engine (null when the job asks for none), or throws {@link
   * GpuUnavailableException} with the reason: they were not given (another job holds one, or the
   * assignment gives fewer than the spec asks for) or the driver refuses one (its CUDA error
   * named). A job that asked for GPUs never falls back to the CPU.
   */
  private Accelerator openGpus(int asked) {
    if (gpusRefused != null) {
      throw gpusRefused;
    }
    if (gpuOrdinals.size() != asked) {
      throw new GpuUnavailableException("the job asks for " + asked + (asked == 1 ? " GPU" : " GPUs")
          + " but was given " + (gpuOrdinals.isEmpty() ? "none" : gpuOrdinals) + " on executor " + options.id());
    }
    return asked == 0 ? null : open(options.id(), gpuOrdinals.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * Opens {@code ordinals} on this machine: each must be a device the driver gives (else the
   * reason names the missing driver or device), then their contexts and the kernels.
   *
   * @throws GpuUnavailableException with the driver's reason
   */
  static Accelerator open(String executorId, int[] ordinals) {
    try {
      Devices.require(ordinals);
      return CudaAccelerator.open(ordinals);
    } catch (RuntimeException | LinkageError e) {
      throw new GpuUnavailableException("cannot open GPUs " + Arrays.toString(ordinals) + " on executor "
          + executorId + ": " + e.getMessage(), e);
    }
  }

  private boolean distributed() {
    return assignment.members().size() > 1;
  }

  /** The job's members as the engine needs them; peers are told apart by attempt. */
  private Cluster cluster() {
    List<Cluster.Peer> peers = new ArrayList<>();
    List<Member> members = new ArrayList<>(assignment.members());
    members.sort(java.util.Comparator.comparingInt(Member::rank));
    for (Member m : members) {
      peers.add(new Cluster.Peer(new InetSocketAddress(m.host(), m.port()), m.firstWorker(), m.workers(),
          m.firstServer(), m.servers()));
    }
    // Members start within moments of each other; twice the peer timeout covers a slow one.
    return new Cluster(jobId(), assignment.attempt(), rank, peers, dataPort, options.peerTimeout(),
        options.peerTimeout().multipliedBy(2));
  }

  private String describe(Stop why) {
    return switch (why) {
      case RELEASE -> "the job was moved to other executors";
      case SHUTDOWN -> "executor " + options.id() + " is shutting down; the job resumes from its checkpoint";
      case CANCEL -> "cancelled by the user";
    };
  }

  /**
   * Rank 0: the terminal state, and the model when the job succeeded. The checkpoints stay: the
   * api deletes them once it has recorded the job's end, so a job whose terminal state was lost
   * on the bus, run again by the api's reconciliation, resumes from its final checkpoint and ends
   * at once with the same model instead of training from scratch.
   */
  private void finish(TrainResult result) throws IOException {
    Stop why = stop;
    if (result.cancelled() && why != Stop.CANCEL) {
      log(why == Stop.RELEASE
          ? "stopped on executor " + options.id() + ": the job was moved to another executor"
          : "stopped: executor " + options.id() + " is shutting down; the job resumes from its checkpoint");
      return;
    }
    if (result.cancelled()) {
      state(JobState.CANCELLED, "cancelled by the user");
      return;
    }
    Path modelFile = options.modelFile(jobId()).toAbsolutePath().normalize();
    result.model().save(modelFile);
    send(JobEvent.model(jobId(), assignment.attempt(), modelFile.toString(), result.finalMetrics(), options.id(), now()));
    state(JobState.SUCCEEDED, null);
  }

  private static Dataset openDataset(String role, String dir) throws IOException {
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("the assignment names no " + role + " dataset directory");
    }
    try {
      return ShardedDataset.open(Path.of(dir));
    } catch (NoSuchFileException e) {
      throw new IOException("the " + role + " dataset at " + dir + " is missing (" + e.getFile() + ")", e);
    }
  }

  /**
   * Ends this member without a terminal state: the scheduler sees it stop listing the job and
   * places the whole job again as its next attempt, counted toward the job's max attempts and
   * giving {@code reason}.
   */
  private void lose(String reason) {
    log("attempt " + assignment.attempt() + " lost on executor " + options.id() + ": " + reason
        + "; the job runs again from its last checkpoint");
    send(JobEvent.memberLost(jobId(), assignment.attempt(), rank, reason, options.id(), now()));
  }

  private void fail(Throwable t) {
    Stop why = stop;
    if (why == Stop.RELEASE || why == Stop.SHUTDOWN) {
      // Stopping may surface as an error from the engine; the job is not over.
      LOG.log(System.Logger.Level.INFO, "job " + jobId() + " ended while stopping: " + t);
      return;
    }
    String reason;
    if (t instanceof SpecException e) {
      reason = "invalid job spec: " + e.getMessage();
    } else if (t instanceof GpuUnavailableException) {
      reason = t.getMessage();
    } else if (t instanceof OutOfMemoryError) {
      reason = "out of memory on executor " + options.id() + "; ask for fewer workers or use a smaller model";
    } else if ((t instanceof IOException || t instanceof IllegalArgumentException) && t.getMessage() != null) {
      reason = t.getMessage();
    } else {
      LOG.log(System.Logger.Level.ERROR, "job " + jobId() + " failed", t);
      reason = "internal error in the engine (" + t.getClass().getSimpleName() + "): " + t.getMessage();
    }
    try {
      if (rank == 0) {
        state(JobState.FAILED, reason);
      } else {
        // Rank 0 heard it from this member and fails the job: only it changes the job's state.
        log("member " + rank + " failed on executor " + options.id() + ": " + reason);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "cannot report the failure of job " + jobId(), e);
    }
  }

  private final class Listener implements TrainListener {
    private double lastProgress = -1;

    @Override
    public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
      send(JobEvent.metric(jobId(), assignment.attempt(), epoch, step, metrics, options.id(), now()));
    }

    @Override
    public void onProgress(double fraction) {
      if (fraction - lastProgress >= PROGRESS_STEP || (fraction >= 1.0 && lastProgress < 1.0)) {
        lastProgress = fraction;
        send(JobEvent.progress(jobId(), assignment.attempt(), fraction, options.id(), now()));
      }
    }

    @Override
    public void onLog(String line) {
      log(line);
    }

    /** Guarded by this: when a report last went out, and the latest one held back since. */
    private long lastMemberReport;
    private Map<String, Double> unsent;

    /** From the member's thread: at most one report every {@link #MEMBER_REPORT_MILLIS}. */
    @Override
    public synchronized void onMember(double examplesPerSec, long bytesSent, long bytesReceived) {
      Map<String, Double> stats = Map.of("examples_per_sec", examplesPerSec, "bytes_pushed", (double) bytesSent,
          "bytes_pulled", (double) bytesReceived);
      long now = now();
      if (now - lastMemberReport < MEMBER_REPORT_MILLIS) {
        unsent = stats;
        return;
      }
      send(JobEvent.member(jobId(), assignment.attempt(), rank, stats, options.id(), now));
      unsent = null;
      // A member still reading its data reports 0 examples/s: that does not start the quiet period.
      if (examplesPerSec > 0) {
        lastMemberReport = now;
      }
    }

    /** Sends the report held back last, so that a short part does not end showing its start-up. */
    synchronized void flush() {
      if (unsent != null) {
        send(JobEvent.member(jobId(), assignment.attempt(), rank, unsent, options.id(), now()));
        unsent = null;
      }
    }
  }

  private void state(JobState state, String reason) {
    send(JobEvent.state(jobId(), assignment.attempt(), state, reason, options.id(), now()));
  }

  private void log(String line) {
    send(JobEvent.log(jobId(), assignment.attempt(), line, options.id(), now()));
  }

  private void send(JobEvent event) {
    producer.send(event);
  }

  private long now() {
    return options.clock().millis();
  }
}
