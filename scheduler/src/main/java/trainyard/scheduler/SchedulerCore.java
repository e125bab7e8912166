package trainyard.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import trainyard.bus.Assignment;
import trainyard.bus.Capacity;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.bus.Member;
import trainyard.spec.JobSpec;

/**
 * The scheduler's state and rules, without Kafka: the queue, the executors known from their
 * heartbeats, and the jobs placed on each. Inputs are job messages, heartbeats and clock ticks;
 * outputs go to a {@link Sink}.
 *
 * <p>An executor's free capacity is what its last heartbeat reported, less the jobs placed on
 * it that no heartbeat has listed yet. A placed job that a heartbeat listed and a later one no
 * longer lists has ended (the executor reports how, on the events topic). An executor silent for
 * longer than the heartbeat timeout is lost: its jobs go back to the queue, keeping their place,
 * and the next executor resumes them from their checkpoints.
 *
 * <p>Not thread-safe: {@link Scheduler} calls it under one lock.
 */
final class SchedulerCore {
  /** Where decisions go. */
  interface Sink {
    void assign(Assignment assignment);

    void event(JobEvent event);
  }

  private static final System.Logger LOG = System.getLogger(SchedulerCore.class.getName());
  /** How many ended jobs are remembered, so that a late duplicate SUBMIT does not rerun one. */
  private static final int ENDED_REMEMBERED = 10_000;

  private final long heartbeatTimeoutMillis;
  private final long reserveAfterMillis;
  /** No job is placed before this time: see {@link SchedulerOptions#settle()}. */
  private final long placeFromMillis;
  private final Sink sink;
  private final Map<String, Queued> queue = new HashMap<>();
  private final Map<String, Node> executors = new HashMap<>();
  /** job id → the executor it is placed on. */
  private final Map<String, String> placedOn = new HashMap<>();
  /** job id → the last attempt of it that ended. */
  private final Map<String, Integer> ended = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > ENDED_REMEMBERED;
    }
  };

  private static final class Queued {
    JobMessage job;
    final Capacity demand;
    String reason;
    /** Put back by this scheduler when its executor was lost, rather than submitted. */
    final boolean requeued;

    Queued(JobMessage job, Capacity demand, String reason, boolean requeued) {
      this.job = job;
      this.demand = demand;
      this.reason = reason;
      this.requeued = requeued;
    }
  }

  /** A job on an executor. {@code job} is null for one adopted from a heartbeat. */
  private static final class Placed {
    final JobMessage job;
    final Capacity demand;
    boolean listed;
    boolean cancelling;

    Placed(JobMessage job, Capacity demand, boolean listed) {
      this.job = job;
      this.demand = demand;
      this.listed = listed;
    }
  }

  private static final class Node {
    final String id;
    Heartbeat last;
    long lastSeenMillis;
    final Map<String, Placed> jobs = new LinkedHashMap<>();
    /** Jobs this executor was told to release; told once. */
    final Set<String> released = new HashSet<>();

    Node(String id) {
      this.id = id;
    }
  }

  SchedulerCore(long heartbeatTimeoutMillis, long reserveAfterMillis, long placeFromMillis, Sink sink) {
    if (heartbeatTimeoutMillis <= 0) {
      throw new IllegalArgumentException("heartbeat timeout must be > 0 ms, got " + heartbeatTimeoutMillis);
    }
    this.heartbeatTimeoutMillis = heartbeatTimeoutMillis;
    this.reserveAfterMillis = reserveAfterMillis;
    this.placeFromMillis = placeFromMillis;
    this.sink = sink;
  }

  void onJob(JobMessage message, long now) {
    switch (message.type()) {
      case SUBMIT -> submit(message, now);
      case CANCEL -> cancel(message, now);
    }
  }

  private void submit(JobMessage job, long now) {
    String id = job.jobId();
    Integer endedAttempt = ended.get(id);
    if (endedAttempt != null && job.attempt() <= endedAttempt) {
      return;
    }
    if (placedOn.containsKey(id)) {
      return;
    }
    Queued queued = queue.get(id);
    if (queued != null) {
      if (job.attempt() > queued.job.attempt()) {
        queued.job = job;
      }
      return;
    }
    Capacity demand;
    try {
      demand = Capacity.of(JobSpec.parse(job.specJson()), job.memoryMb());
    } catch (RuntimeException e) {
      // The api validated the spec; reaching here means a writer bug, not user input.
      ended.put(id, job.attempt());
      sink.event(JobEvent.state(id, job.attempt(), JobState.FAILED, "invalid job spec: " + e.getMessage(), null, now));
      return;
    }
    queue.put(id, new Queued(job, demand, null, false));
    place(now);
  }

  private void cancel(JobMessage message, long now) {
    String id = message.jobId();
    Queued queued = queue.remove(id);
    if (queued != null) {
      ended.put(id, queued.job.attempt());
      sink.event(JobEvent.state(id, queued.job.attempt(), JobState.CANCELLED, "cancelled while queued", null, now));
      return;
    }
    String executorId = placedOn.get(id);
    if (executorId == null) {
      return;
    }
    Placed placed = executors.get(executorId).jobs.get(id);
    if (!placed.cancelling) {
      placed.cancelling = true;
      sink.assign(Assignment.cancel(executorId, id, message.tenantId()));
    }
  }

  void onHeartbeat(Heartbeat beat, long now) {
    Node node = executors.get(beat.executorId());
    if (node != null && node.last.session() != null && !node.last.session().equals(beat.session())) {
      // Restarted within the timeout: what it ran before is gone, whatever it lists now.
      executors.remove(node.id);
      lose(node, "restarted", now);
      node = null;
    }
    if (node == null) {
      node = new Node(beat.executorId());
      executors.put(node.id, node);
    }
    node.last = beat;
    node.lastSeenMillis = now;
    Set<String> running = new HashSet<>(beat.runningJobs());
    for (String jobId : beat.runningJobs()) {
      Placed placed = node.jobs.get(jobId);
      Queued queued = queue.get(jobId);
      if (placed != null) {
        placed.listed = true;
      } else if (queued != null && !queued.requeued) {
        // Submitted, and already running here: placed by an earlier scheduler process whose
        // position on the jobs topic was not committed, so this one read the SUBMIT again.
        queue.remove(jobId);
        node.jobs.put(jobId, new Placed(queued.job, queued.demand, true));
        placedOn.put(jobId, node.id);
      } else if (queued != null || placedOn.containsKey(jobId) || ended.containsKey(jobId)) {
        // Back from being thought lost, it runs a job that was requeued or moved on.
        if (node.released.add(jobId)) {
          sink.assign(Assignment.release(node.id, jobId));
        }
      } else {
        // Placed by an earlier scheduler process: adopt it so that a cancel reaches it.
        node.jobs.put(jobId, new Placed(null, Capacity.NONE, true));
        placedOn.put(jobId, node.id);
      }
    }
    node.released.retainAll(running);
    for (Iterator<Map.Entry<String, Placed>> it = node.jobs.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Placed> entry = it.next();
      if (entry.getValue().listed && !running.contains(entry.getKey())) {
        it.remove();
        placedOn.remove(entry.getKey());
        JobMessage job = entry.getValue().job;
        ended.put(entry.getKey(), job == null ? Integer.MAX_VALUE : job.attempt());
      }
    }
    place(now);
  }

  /** Expires silent executors and places what can be placed. */
  void tick(long now) {
    for (Iterator<Node> it = executors.values().iterator(); it.hasNext(); ) {
      Node node = it.next();
      if (now - node.lastSeenMillis > heartbeatTimeoutMillis) {
        it.remove();
        lose(node, "lost", now);
      }
    }
    place(now);
  }

  /** Ends {@code node}'s jobs there: requeues them, or ends those being cancelled. */
  private void lose(Node node, String what, long now) {
    for (Map.Entry<String, Placed> entry : node.jobs.entrySet()) {
      String jobId = entry.getKey();
      Placed placed = entry.getValue();
      placedOn.remove(jobId);
      if (placed.cancelling) {
        ended.put(jobId, placed.job == null ? Integer.MAX_VALUE : placed.job.attempt());
        // An adopted job's attempt is unknown here (0): the api applies it to the current one.
        sink.event(JobEvent.state(jobId, placed.job == null ? 0 : placed.job.attempt(), JobState.CANCELLED,
            "executor " + node.id + " " + what + " while cancelling", null, now));
      } else if (placed.job == null) {
        LOG.log(System.Logger.Level.WARNING, "executor {0} {1} with job {2}, which this scheduler "
            + "did not place; it runs again when the api re-publishes it", node.id, what, jobId);
      } else {
        JobMessage job = placed.job;
        JobMessage again = JobMessage.submit(job.jobId(), job.tenantId(), job.specJson(),
            job.priority(), job.submittedAtMillis(), job.datasetDir(), job.validationDir(),
            job.attempt() + 1, job.memoryMb());
        String reason = "executor " + node.id + " " + what + "; will resume from checkpoint";
        queue.put(jobId, new Queued(again, placed.demand, reason, true));
        sink.event(JobEvent.state(jobId, again.attempt(), JobState.QUEUED, reason, null, now));
      }
    }
  }

  private void place(long now) {
    if (queue.isEmpty() || now < placeFromMillis) {
      return;
    }
    List<Placement.Job> jobs = new ArrayList<>(queue.size());
    for (Queued q : queue.values()) {
      jobs.add(new Placement.Job(q.job.jobId(), q.job.priority(), q.job.submittedAtMillis(), q.demand));
    }
    List<Placement.Slot> slots = new ArrayList<>(executors.size());
    for (Node node : executors.values()) {
      Heartbeat b = node.last;
      Capacity free = new Capacity(b.freeCores(), b.freeGpus(), b.freeMemoryMb());
      for (Placed placed : node.jobs.values()) {
        if (!placed.listed) {
          free = free.minus(placed.demand);
        }
      }
      slots.add(new Placement.Slot(node.id, new Capacity(b.cores(), b.gpus(), b.memoryMb()), free));
    }
    Placement.Result result = Placement.place(jobs, slots, now, reserveAfterMillis);
    for (Placement.Placed p : result.placed()) {
      Queued q = queue.remove(p.jobId());
      executors.get(p.executorId()).jobs.put(p.jobId(), new Placed(q.job, q.demand, false));
      placedOn.put(p.jobId(), p.executorId());
      sink.event(JobEvent.state(p.jobId(), q.job.attempt(), JobState.ASSIGNED, null, p.executorId(), now));
      JobSpec.Resources r = JobSpec.parse(q.job.specJson()).resources();
      sink.assign(Assignment.run(p.executorId(), q.job,
          List.of(new Member(0, p.executorId(), null, 0, 0, r.workers(), 0, r.servers()))));
    }
    for (Map.Entry<String, String> w : result.waiting().entrySet()) {
      Queued q = queue.get(w.getKey());
      if (!w.getValue().equals(q.reason)) {
        q.reason = w.getValue();
        sink.event(JobEvent.state(w.getKey(), q.job.attempt(), JobState.QUEUED, q.reason, null, now));
      }
    }
  }

  /** Ids of the queued jobs in queue order; for tests and diagnostics. */
  List<String> queuedJobs() {
    List<Placement.Job> jobs = new ArrayList<>();
    for (Queued q : queue.values()) {
      jobs.add(new Placement.Job(q.job.jobId(), q.job.priority(), q.job.submittedAtMillis(), q.demand));
    }
    jobs.sort(Placement.QUEUE_ORDER);
    List<String> ids = new ArrayList<>();
    for (Placement.Job j : jobs) {
      ids.add(j.jobId());
    }
    return ids;
  }

  /** Live executors and their last heartbeats. */
  Map<String, Heartbeat> executors() {
    Map<String, Heartbeat> out = new HashMap<>();
    for (Node node : executors.values()) {
      out.put(node.id, node.last);
    }
    return out;
  }

  /** The executor a job is placed on, or null. */
  String executorOf(String jobId) {
    return placedOn.get(jobId);
  }
}
