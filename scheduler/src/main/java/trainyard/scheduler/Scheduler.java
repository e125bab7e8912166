package trainyard.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.WakeupException;
import trainyard.bus.Assignment;
import trainyard.bus.BusConsumer;
import trainyard.bus.BusProducer;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.Received;

/**
 * The scheduler role: reads {@code trainyard.jobs} and {@code trainyard.heartbeats}, places jobs
 * on executors with room, and writes {@code trainyard.assignments} and {@code trainyard.events}
 * (see {@link SchedulerCore} for the rules and docs/ARCHITECTURE.md for the messages). It also
 * reads the executors' terminal states on {@code trainyard.events}, to tell a job of several
 * members that ended from one whose member dropped out.
 *
 * <p>Runs one reader thread per topic and one timer thread; they share the core under a lock.
 * Its position on {@code trainyard.jobs} is committed once the decisions a batch caused are
 * acknowledged. Heartbeats and events are read from the newest on: an executor is known once it beats.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread.
 */
public final class Scheduler implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());
  private static final Duration POLL = Duration.ofSeconds(1);

  private final SchedulerOptions options;
  private final BusProducer producer;
  private final BusConsumer<JobMessage> jobs;
  private final BusConsumer<Heartbeat> heartbeats;
  private final BusConsumer<JobEvent> events;
  private final SchedulerCore core;
  private final ScheduledExecutorService timer;
  private final List<Thread> readers = new ArrayList<>();
  private volatile boolean closed;

  private Scheduler(String bootstrapServers, SchedulerOptions options) {
    this.options = options;
    this.producer = new BusProducer(bootstrapServers, "trainyard-scheduler");
    this.jobs = new BusConsumer<>(bootstrapServers, JobMessage.class, options.groupId(),
        BusConsumer.Start.COMMITTED_OR_EARLIEST);
    this.heartbeats = new BusConsumer<>(bootstrapServers, Heartbeat.class, null, BusConsumer.Start.LATEST);
    this.events = new BusConsumer<>(bootstrapServers, JobEvent.class, null, BusConsumer.Start.LATEST);
    long timeout = options.heartbeatTimeout().toMillis();
    long placeFrom = options.clock().millis() + options.settle().toMillis();
    this.core = new SchedulerCore(timeout, options.reserveAfter().toMillis(), placeFrom,
        options.maxAttempts(), new SchedulerCore.Sink() {
      @Override
      public void assign(Assignment assignment) {
        // The placement (ASSIGNED) must be on the events topic before its executors can answer it:
        // the api refuses an executor's event for an attempt whose placement it has not seen.
        producer.flush();
        producer.send(assignment);
      }

      @Override
      public void event(JobEvent event) {
        producer.send(event);
      }
    });
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "trainyard-scheduler-timer"));
  }

  /**
   * Connects to Kafka and starts scheduling; returns once its readers are positioned, so a
   * message sent afterwards is seen.
   */
  public static Scheduler start(String bootstrapServers, SchedulerOptions options) {
    Scheduler scheduler = new Scheduler(bootstrapServers, options);
    scheduler.readers.add(scheduler.reader("trainyard-scheduler-jobs", scheduler::readJobs));
    scheduler.readers.add(scheduler.reader("trainyard-scheduler-heartbeats", scheduler::readHeartbeats));
    scheduler.readers.add(scheduler.reader("trainyard-scheduler-events", scheduler::readEvents));
    long tick = options.tickInterval().toMillis();
    scheduler.timer.scheduleWithFixedDelay(scheduler::tick, tick, tick, TimeUnit.MILLISECONDS);
    return scheduler;
  }

  private Thread reader(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void readJobs() {
    runUntilClosed(() -> {
      List<Received<JobMessage>> batch = jobs.poll(POLL);
      if (batch.isEmpty()) {
        return;
      }
      synchronized (core) {
        for (Received<JobMessage> r : batch) {
          core.onJob(r.value(), now());
        }
      }
      producer.flush();
      jobs.commit();
    }, jobs);
  }

  private void readHeartbeats() {
    runUntilClosed(() -> {
      List<Received<Heartbeat>> batch = heartbeats.poll(POLL);
      if (batch.isEmpty()) {
        return;
      }
      synchronized (core) {
        for (Received<Heartbeat> r : batch) {
          core.onHeartbeat(r.value(), now());
        }
      }
    }, heartbeats);
  }

  private void readEvents() {
    runUntilClosed(() -> {
      List<Received<JobEvent>> batch = events.poll(POLL);
      if (batch.isEmpty()) {
        return;
      }
      synchronized (core) {
        for (Received<JobEvent> r : batch) {
          core.onEvent(r.value(), now());
        }
      }
    }, events);
  }

  private void tick() {
    try {
      synchronized (core) {
        core.tick(now());
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "scheduler tick failed", e);
    }
  }

  /** Runs {@code step} until close; a failing step is logged and retried after a pause. */
  private void runUntilClosed(Runnable step, BusConsumer<?> consumer) {
    try {
      while (!closed) {
        try {
          step.run();
        } catch (WakeupException e) {
          return;
        } catch (RuntimeException e) {
          if (closed) {
            return;
          }
          LOG.log(System.Logger.Level.ERROR, Thread.currentThread().getName() + " failed; retrying", e);
          pause();
        }
      }
    } finally {
      consumer.close();
    }
  }

  private void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long now() {
    return options.clock().millis();
  }

  /** Ids of the queued jobs, in the order they would be placed. */
  public List<String> queuedJobs() {
    synchronized (core) {
      return core.queuedJobs();
    }
  }

  /** The executors the scheduler considers alive, each with its last heartbeat. */
  public Map<String, Heartbeat> executors() {
    synchronized (core) {
      return core.executors();
    }
  }

  /** The executor a job is placed on, or null if it is queued or unknown. */
  public String executorOf(String jobId) {
    synchronized (core) {
      return core.executorOf(jobId);
    }
  }

  /** The executors of a placed job's members, by rank (rank 0 first); empty if it is queued or unknown. */
  public List<String> membersOf(String jobId) {
    synchronized (core) {
      return core.membersOf(jobId);
    }
  }

  /** Stops reading and deciding; waits for the threads to finish. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    timer.shutdownNow();
    jobs.wakeup();
    heartbeats.wakeup();
    events.wakeup();
    for (Thread reader : readers) {
      try {
        reader.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
