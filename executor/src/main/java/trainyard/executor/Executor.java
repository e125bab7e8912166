package trainyard.executor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.WakeupException;
import trainyard.bus.Assignment;
import trainyard.bus.BusConsumer;
import trainyard.bus.BusProducer;
import trainyard.bus.Capacity;
import trainyard.bus.Heartbeat;
import trainyard.bus.Received;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.ShardedDataset;
import trainyard.engine.ps.DataPort;
import trainyard.engine.train.MemoryEstimate;
import trainyard.spec.JobSpec;

/**
 * The executor role: takes the assignments addressed to its id on {@code trainyard.assignments},
 * runs each job on its own thread with the engine ({@link JobRun}), reports the job's events on
 * {@code trainyard.events} and its own capacity on {@code trainyard.heartbeats}.
 *
 * <p>A heartbeat goes out every {@code heartbeatInterval}, and at once when a job starts or ends,
 * so that the scheduler sees every job listed before it sees it gone. Heartbeats are built and
 * sent under one lock, so they reach Kafka in the order they describe. A job takes the GPUs its
 * assignment names before the heartbeat that first lists it, and gives them back before the one
 * that no longer does, so every heartbeat shows who holds each GPU.
 *
 * <p>{@link #close()} stops heartbeats first, then stops the jobs at their next check without a
 * terminal state: to the scheduler the executor is lost, and the jobs resume from their
 * checkpoints on another executor (or on this one when it starts again).
 *
 * <p>Thread-safe.
 */
public final class Executor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Executor.class.getName());

  private final ExecutorOptions options;
  private final BusProducer producer;
  private final BusConsumer<Assignment> assignments;
  private final ScheduledExecutorService heartbeats;
  private final Thread reader;
  /** Guarded by itself; also orders heartbeats. */
  private final Map<String, JobRun> running = new LinkedHashMap<>();
  private final List<Thread> jobThreads = new ArrayList<>();
  private final String session = UUID.randomUUID().toString();
  /** Where members of jobs over several executors reach this one's shards; one for all its jobs. */
  private final DataPort dataPort;
  private final GpuLeases gpus;
  private volatile boolean closed;

  private Executor(String bootstrapServers, ExecutorOptions options) {
    this.options = options;
    this.gpus = new GpuLeases(options.id(), options.gpus());
    this.dataPort = DataPort.bind(bindAddress(options.dataHost()), options.dataPort());
    this.producer = new BusProducer(bootstrapServers, "trainyard-executor-" + options.id());
    try {
      this.assignments = new BusConsumer<>(bootstrapServers, Assignment.class,
          "trainyard-executor-" + options.id(), BusConsumer.Start.COMMITTED_OR_LATEST);
    } catch (RuntimeException e) {
      producer.close();
      dataPort.close();
      throw e;
    }
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(
        r -> new Thread(r, "trainyard-executor-" + options.id() + "-heartbeat"));
    this.reader = new Thread(this::readAssignments, "trainyard-executor-" + options.id() + "-assignments");
    this.reader.setDaemon(true);
  }

  /**
   * Connects to Kafka, and starts taking assignments and sending heartbeats. Returns once the
   * assignment reader is positioned, so the scheduler cannot place a job here before it can
   * be read.
   */
  public static Executor start(String bootstrapServers, ExecutorOptions options) {
    Executor executor = new Executor(bootstrapServers, options);
    executor.reader.start();
    long interval = options.heartbeatInterval().toMillis();
    executor.heartbeats.scheduleAtFixedRate(executor::heartbeat, 0, interval, TimeUnit.MILLISECONDS);
    return executor;
  }

  public String id() {
    return options.id();
  }

  /** Ids of the jobs running now. */
  public List<String> runningJobs() {
    synchronized (running) {
      return List.copyOf(running.keySet());
    }
  }

  private void readAssignments() {
    try {
      while (!closed) {
        try {
          List<Received<Assignment>> batch = assignments.poll(Duration.ofSeconds(1));
          for (Received<Assignment> r : batch) {
            if (options.id().equals(r.key()) && options.id().equals(r.value().executorId())) {
              handle(r.value());
            }
          }
          if (!batch.isEmpty()) {
            assignments.commit();
          }
        } catch (WakeupException e) {
          return;
        } catch (RuntimeException e) {
          if (closed) {
            return;
          }
          LOG.log(System.Logger.Level.ERROR, "executor " + options.id() + " failed to read assignments; retrying", e);
          sleepQuietly(1000);
        }
      }
    } finally {
      assignments.close();
    }
  }

  private void handle(Assignment assignment) {
    switch (assignment.type()) {
      case RUN -> run(assignment);
      case CANCEL -> signal(assignment.jobId(), JobRun.Stop.CANCEL);
      case RELEASE -> signal(assignment.jobId(), JobRun.Stop.RELEASE);
    }
  }

  private void run(Assignment assignment) {
    JobRun job;
    synchronized (running) {
      if (closed || running.containsKey(assignment.jobId())) {
        return;
      }
      Capacity demand = demandOf(assignment);
      long promisedMb = demand.memoryMb();
      for (JobRun other : running.values()) {
        promisedMb += other.demand().memoryMb();
      }
      long cache = cacheShare(options.capacity().memoryMb(), Runtime.getRuntime().maxMemory(), promisedMb,
          running.size() + 1);
      job = new JobRun(assignment, demand, cache, options, producer, dataPort, gpus, this::finished);
      running.put(assignment.jobId(), job);
      sendHeartbeat();
      Thread thread = new Thread(job, "trainyard-job-" + assignment.jobId());
      thread.setDaemon(true);
      jobThreads.removeIf(t -> !t.isAlive());
      jobThreads.add(thread);
      thread.start();
    }
  }

  /**
   * A job's demand: its member's threads, and the memory the engine estimates for the spec and
   * the dataset (as the api did at submit); a spec or dataset that cannot be read takes nothing,
   * and the run fails the job with the reason.
   */
  private static Capacity demandOf(Assignment assignment) {
    try {
      JobSpec spec = JobSpec.parse(assignment.specJson());
      DatasetStats stats = ShardedDataset.open(Path.of(assignment.datasetDir())).stats();
      return Capacity.of(spec, MemoryEstimate.megabytesPerMember(spec, stats, Math.max(1, assignment.members().size())));
    } catch (IOException | RuntimeException e) {
      return Capacity.NONE;
    }
  }

  /**
   * A starting job's cache budget (prepared blocks and validation rows, which the engine holds
   * through soft references): an even share, among the {@code jobs} running with it, of the
   * memory this executor offers (at most its heap) that their estimates have not promised. A
   * job that starts later does not shrink an earlier one's share; the collector then clears soft
   * references before it would run out of memory, and the job reads its shards again.
   */
  static long cacheShare(long offeredMb, long heapBytes, long promisedMb, int jobs) {
    long free = Math.min(offeredMb << 20, heapBytes) - (promisedMb << 20);
    return Math.max(0, free / Math.max(1, jobs));
  }

  private void signal(String jobId, JobRun.Stop stop) {
    JobRun job;
    synchronized (running) {
      job = running.get(jobId);
    }
    if (job != null) {
      job.stop(stop);
    } else {
      LOG.log(System.Logger.Level.DEBUG, () -> "executor " + options.id() + ": " + stop + " of job " + jobId
          + ", which it does not run");
    }
  }

  private void finished(JobRun job) {
    synchronized (running) {
      running.remove(job.jobId());
      if (!closed) {
        sendHeartbeat();
      }
    }
  }

  private void heartbeat() {
    try {
      synchronized (running) {
        if (!closed) {
          sendHeartbeat();
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "executor " + options.id() + " could not send a heartbeat", e);
    }
  }

  /** Caller holds the lock on {@code running}. */
  private void sendHeartbeat() {
    Capacity used = Capacity.NONE;
    for (JobRun job : running.values()) {
      used = used.plus(job.demand());
    }
    Capacity total = options.capacity();
    Capacity free = total.minus(used);
    Map<String, Integer> attempts = new LinkedHashMap<>();
    running.values().forEach(job -> attempts.put(job.jobId(), job.attempt()));
    producer.send(new Heartbeat(options.id(), total.cores(), gpus.count(), total.memoryMb(),
        Math.max(0, free.cores()), gpus.free(), Math.max(0, free.memoryMb()),
        new ArrayList<>(running.keySet()), options.clock().millis(), session, options.dataHost(), dataPort.port(),
        gpus.snapshot(), attempts));
  }

  /**
   * Stops heartbeats and assignments, asks every job to stop at its next check (no terminal
   * state: it resumes from its checkpoint elsewhere), and waits up to {@code stopTimeout} for
   * them. Idempotent.
   */
  @Override
  public void close() {
    List<JobRun> jobs;
    List<Thread> threads;
    synchronized (running) {
      if (closed) {
        return;
      }
      closed = true;
      jobs = new ArrayList<>(running.values());
      threads = new ArrayList<>(jobThreads);
    }
    heartbeats.shutdownNow();
    assignments.wakeup();
    for (JobRun job : jobs) {
      job.stop(JobRun.Stop.SHUTDOWN);
    }
    long deadline = System.nanoTime() + options.stopTimeout().toNanos();
    for (Thread thread : threads) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      try {
        if (left > 0) {
          thread.join(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (thread.isAlive()) {
        LOG.log(System.Logger.Level.WARNING, thread.getName() + " did not stop within " + options.stopTimeout());
      }
    }
    try {
      reader.join(10_000);
      heartbeats.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
    dataPort.close();
  }

  /**
   * The data port has no authentication: an executor whose peers reach it at a loopback address
   * (127.x.x.x, localhost: one machine) listens on loopback only; one named by a host name listens
   * on every interface, as peers on other machines resolve the name to its address (its own
   * /etc/hosts often maps it to 127.0.1.1, which must not decide).
   */
  static String bindAddress(String dataHost) {
    boolean loopback = dataHost.equals("localhost") || dataHost.startsWith("127.") || dataHost.equals("::1");
    return loopback ? dataHost : "0.0.0.0";
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
