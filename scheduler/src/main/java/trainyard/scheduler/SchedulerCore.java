package trainyard.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import trainyard.bus.Assignment;
import trainyard.bus.Capacity;
import trainyard.bus.Gpu;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.bus.Member;
import trainyard.spec.JobSpec;

/**
 * The scheduler's state and rules, without Kafka: the queue, the executors known from their
 * heartbeats, and the jobs placed, each on its members' executors (a gang: one executor per
 * member, {@code resources.executors} of them). Inputs are job messages, heartbeats, the
 * executors' terminal states and clock ticks; outputs go to a {@link Sink}.
 *
 * <p>An executor's free capacity is what its last heartbeat reported, less the members placed
 * on it that no heartbeat has listed yet. The same goes for its GPUs, by ordinal: a member that
 * asks for GPUs is given that many of its executor's free ones, the lowest first, so two jobs
 * are never given the same device. A job's attempt fails as a whole when one of its
 * members does: the member's executor is silent for longer than the heartbeat timeout (lost),
 * beats with a new session (restarted), or, in a job of several members, stops listing the job
 * while no terminal state of the attempt has arrived within the heartbeat timeout (the member
 * failed: an executor whose part of an attempt fails, a peer timed out say, stops listing the
 * job and sends no terminal state). The job then goes back to the queue with {@code attempt + 1},
 * keeping its place, every surviving member is told to RELEASE it, and the next placement
 * resumes it from its checkpoint; after {@code maxAttempts} failed attempts (counting those a
 * SUBMIT says were lost before, {@code JobMessage.lostAttempts}) it ends FAILED instead. A job of
 * one member is no different: its executor stops listing it without a terminal state when its
 * attempt was lost (the disk filled, say), and the job runs again. A job ends once rank 0's
 * terminal state has come and every member has stopped listing it.
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
  /** How many ended jobs (and failure counts) are remembered, so that a late duplicate SUBMIT does not rerun one. */
  private static final int REMEMBERED = 10_000;

  private final long heartbeatTimeoutMillis;
  private final long reserveAfterMillis;
  /** No job is placed before this time: see {@link SchedulerOptions#settle()}. */
  private final long placeFromMillis;
  private final int maxAttempts;
  private final Sink sink;
  private final Map<String, Queued> queue = new HashMap<>();
  private final Map<String, Node> executors = new HashMap<>();
  /** job id → where it runs. */
  private final Map<String, Gang> placed = new HashMap<>();
  /** job id → the last attempt of it that ended. */
  private final Map<String, Integer> ended = bounded();
  /** job id → how many of its attempts failed under this scheduler. */
  private final Map<String, Integer> failures = bounded();
  /**
   * job id → its attempt this scheduler failed because every member stopped listing it without a
   * terminal state, and those members: the state may yet come, late, from one of them.
   */
  private final Map<String, Dropped> dropped = bounded();

  private record Dropped(int attempt, Set<String> executors) {}

  /** The scheduler's decisions, one line each, for an operator following a job. */
  private static void debug(Supplier<String> line) {
    LOG.log(System.Logger.Level.DEBUG, line);
  }

  private static <V> Map<String, V> bounded() {
    return new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }

  private static final class Queued {
    JobMessage job;
    final Capacity demand;
    final JobSpec.Resources resources;
    String reason;
    /** Put back by this scheduler when an attempt failed, rather than submitted. */
    final boolean requeued;

    Queued(JobMessage job, Capacity demand, JobSpec.Resources resources, String reason, boolean requeued) {
      this.job = job;
      this.demand = demand;
      this.resources = resources;
      this.reason = reason;
      this.requeued = requeued;
    }
  }

  /** One member of a placed job, on one executor. */
  private static final class Part {
    final int rank;
    final String executorId;
    /** The ordinals of its executor's GPUs it was given. */
    final List<Integer> gpus;
    /** A heartbeat of its executor has listed the job. */
    boolean listed;
    /** A later heartbeat no longer listed it. */
    boolean stopped;
    /** Why the member said it lost the attempt, or null. */
    String lost;

    Part(int rank, String executorId, List<Integer> gpus, boolean listed) {
      this.rank = rank;
      this.executorId = executorId;
      this.gpus = gpus;
      this.listed = listed;
    }
  }

  /** A placed job and its members. {@code job} is null for one adopted from a heartbeat, unknown here. */
  private static final class Gang {
    final String jobId;
    final JobMessage job;
    /** Per member. */
    final Capacity demand;
    final JobSpec.Resources resources;
    /** Members it has: {@code resources.executors}, or unbounded for an unknown job. */
    final int size;
    final List<Part> parts = new ArrayList<>();
    /** Adopted from heartbeats: members join as their executors list the job. */
    final boolean adopted;
    boolean cancelling;
    /** A terminal state of this attempt came from one of its members. */
    boolean over;
    /** The first member that stopped listing the job before it was over, and when. */
    Part dropped;
    long droppedAtMillis;

    Gang(String jobId, JobMessage job, Capacity demand, JobSpec.Resources resources, boolean adopted) {
      this.jobId = jobId;
      this.job = job;
      this.demand = demand;
      this.resources = resources;
      this.size = resources == null ? Integer.MAX_VALUE : resources.executors();
      this.adopted = adopted;
    }

    Part part(String executorId) {
      for (Part p : parts) {
        if (p.executorId.equals(executorId)) {
          return p;
        }
      }
      return null;
    }

    boolean allStopped() {
      for (Part p : parts) {
        if (!p.stopped) {
          return false;
        }
      }
      return true;
    }

    int attempt() {
      return job == null ? 0 : job.attempt();
    }

    /** "executor e1" for a job of one member, "member 1 (executor e2)" for one of several. */
    String who(Part part) {
      return size == 1 ? "executor " + part.executorId : "member " + part.rank + " (executor " + part.executorId + ")";
    }
  }

  private static final class Node {
    final String id;
    Heartbeat last;
    long lastSeenMillis;
    /** Jobs with a member here. */
    final Set<String> jobs = new LinkedHashSet<>();
    /** Jobs this executor was told to release; told once. */
    final Set<String> released = new HashSet<>();

    Node(String id) {
      this.id = id;
    }

    /** Whether it can be one member of a job of several: peers reach it at its data port. */
    boolean hasDataPort() {
      return last.dataPort() > 0 && last.dataHost() != null && !last.dataHost().isBlank();
    }
  }

  SchedulerCore(long heartbeatTimeoutMillis, long reserveAfterMillis, long placeFromMillis, int maxAttempts,
      Sink sink) {
    if (heartbeatTimeoutMillis <= 0) {
      throw new IllegalArgumentException("heartbeat timeout must be > 0 ms, got " + heartbeatTimeoutMillis);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be >= 1, got " + maxAttempts);
    }
    this.heartbeatTimeoutMillis = heartbeatTimeoutMillis;
    this.reserveAfterMillis = reserveAfterMillis;
    this.placeFromMillis = placeFromMillis;
    this.maxAttempts = maxAttempts;
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
      debug(() -> "job " + id + ": SUBMIT of attempt " + job.attempt() + " ignored, attempt " + endedAttempt
          + " ended");
      return;
    }
    if (job.lostAttempts() > 0) {
      // lost where this scheduler could not see it (the api's reconciliation) or before its start
      failures.merge(id, job.lostAttempts(), Math::max);
    }
    Gang gang = placed.get(id);
    if (gang != null) {
      if (superseded(gang, job)) {
        // The api found no executor running the placed attempt: place the newer one.
        debug(() -> "job " + id + ": attempt " + job.attempt() + " supersedes attempt " + gang.attempt());
        forget(gang);
        queue.put(id, new Queued(job, gang.demand, gang.resources, null, true));
        place(now);
      }
      return;
    }
    Queued queued = queue.get(id);
    if (queued != null) {
      if (job.attempt() > queued.job.attempt()) {
        queued.job = job;
      }
      return;
    }
    JobSpec spec;
    try {
      spec = JobSpec.parse(job.specJson());
    } catch (RuntimeException e) {
      // The api validated the spec; reaching here means a writer bug, not user input.
      ended.put(id, job.attempt());
      sink.event(JobEvent.state(id, job.attempt(), JobState.FAILED, "invalid job spec: " + e.getMessage(), null, now));
      return;
    }
    queue.put(id, new Queued(job, Capacity.of(spec, job.memoryMb()), spec.resources(), null, false));
    place(now);
  }

  /**
   * Whether {@code newer}, a later attempt of a job this scheduler placed, supersedes the placement
   * {@code gang}: no member's heartbeat has listed it (its RUN was lost on the bus), or every
   * member has stopped without a terminal state. A SUBMIT of a later attempt for a placement that
   * still runs is a re-publish (an api restarted) and changes nothing.
   */
  private static boolean superseded(Gang gang, JobMessage newer) {
    if (gang.job == null || newer.attempt() <= gang.job.attempt()) {
      return false;
    }
    boolean taken = false;
    for (Part part : gang.parts) {
      taken |= part.listed || part.stopped;
    }
    return !taken || (!gang.over && gang.allStopped());
  }

  private void cancel(JobMessage message, long now) {
    String id = message.jobId();
    Queued queued = queue.remove(id);
    if (queued != null) {
      ended.put(id, queued.job.attempt());
      debug(() -> "job " + id + " cancelled while queued");
      sink.event(JobEvent.state(id, queued.job.attempt(), JobState.CANCELLED, "cancelled while queued", null, now));
      return;
    }
    Gang gang = placed.get(id);
    if (gang == null || gang.cancelling) {
      debug(() -> "job " + id + ": CANCEL ignored, "
          + (gang == null ? "neither queued nor placed" : "cancelling already"));
      return;
    }
    cancelMembers(gang, message.tenantId());
  }

  /** Tells every member still running {@code gang} to cancel it; it ends when they have stopped. */
  private void cancelMembers(Gang gang, String tenantId) {
    gang.cancelling = true;
    for (Part part : gang.parts) {
      if (!part.stopped) {
        debug(() -> "job " + gang.jobId + ": CANCEL sent to executor " + part.executorId);
        sink.assign(Assignment.cancel(part.executorId, gang.jobId, tenantId));
      }
    }
  }

  void onHeartbeat(Heartbeat beat, long now) {
    Node node = executors.get(beat.executorId());
    if (node != null && node.last.session() != null && !node.last.session().equals(beat.session())) {
      // Restarted within the timeout: what it ran before is gone, whatever it lists now.
      executors.remove(node.id);
      lose(List.of(node), "restarted", now);
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
      if (node.released.contains(jobId)) {
        continue; // told to let go; it stops soon
      }
      Gang gang = placed.get(jobId);
      Part part = gang == null ? null : gang.part(node.id);
      Queued queued = queue.get(jobId);
      if (part != null) {
        part.listed |= !part.stopped;
      } else if (gang != null && gang.adopted && gang.parts.size() < gang.size) {
        // Another member of a job adopted from its first member's heartbeat.
        join(gang, node, gang.parts.size());
      } else if (gang == null && queued != null && !queued.requeued) {
        // Submitted, and already running here: placed by an earlier scheduler process whose
        // position on the jobs topic was not committed, so this one read the SUBMIT again.
        queue.remove(jobId);
        gang = new Gang(jobId, queued.job, queued.demand, queued.resources, true);
        placed.put(jobId, gang);
        join(gang, node, 0);
      } else if (gang != null || queued != null || ended.containsKey(jobId)) {
        // Back from being thought lost, or the survivor of a failed attempt: it runs a job
        // that was requeued, moved on or ended.
        release(node, jobId);
      } else {
        // Placed by an earlier scheduler process: adopt it so that a cancel reaches it.
        gang = new Gang(jobId, null, Capacity.NONE, null, true);
        placed.put(jobId, gang);
        join(gang, node, 0);
      }
    }
    node.released.retainAll(running);
    List<String> stopped = new ArrayList<>();
    for (String jobId : node.jobs) {
      Part part = placed.get(jobId).part(node.id);
      if (part.listed && !part.stopped && !running.contains(jobId)) {
        stopped.add(jobId);
      }
    }
    for (String jobId : stopped) {
      Gang gang = placed.get(jobId);
      if (gang != null) {
        stopped(gang, gang.part(node.id), now);
      }
    }
    place(now);
  }

  /**
   * A member's executor reported a job's terminal state (rank 0 of a job of several does), or
   * that its member lost the attempt (kept for the reason the attempt fails with).
   */
  void onEvent(JobEvent event, long now) {
    if (event.type() == JobEvent.Type.MEMBER && event.reason() != null && event.executorId() != null) {
      Gang gang = placed.get(event.jobId());
      Part part = gang == null ? null : gang.part(event.executorId());
      if (part != null && gang.job != null && event.attempt() == gang.job.attempt()) {
        part.lost = event.reason();
      }
      return;
    }
    if (event.type() != JobEvent.Type.STATE || event.state() == null || !event.state().isTerminal()
        || event.executorId() == null) {
      return;
    }
    Dropped late = dropped.get(event.jobId());
    if (late != null && late.attempt() == event.attempt() && late.executors().contains(event.executorId())) {
      debug(() -> "job " + event.jobId() + ": " + event.state() + " of attempt " + event.attempt() + " came late");
      endedLate(event.jobId());
      return;
    }
    Gang gang = placed.get(event.jobId());
    if (gang == null || gang.part(event.executorId()) == null
        || (gang.job != null && event.attempt() != 0 && event.attempt() != gang.job.attempt())) {
      return;
    }
    gang.over = true;
    for (Part part : gang.parts) {
      // Ended before its executor listed it: no heartbeat will, nor stop listing it.
      part.stopped |= !part.listed;
    }
    if (gang.allStopped()) {
      end(gang);
    }
  }

  /** Expires silent executors, fails attempts whose member dropped out, and places what can be placed. */
  void tick(long now) {
    List<Node> lost = new ArrayList<>();
    for (Iterator<Node> it = executors.values().iterator(); it.hasNext(); ) {
      Node node = it.next();
      if (now - node.lastSeenMillis > heartbeatTimeoutMillis) {
        it.remove();
        lost.add(node);
      }
    }
    lose(lost, "lost", now);
    List<Gang> stopped = new ArrayList<>();
    for (Gang gang : placed.values()) {
      if (gang.dropped != null && !gang.over && now - gang.droppedAtMillis >= heartbeatTimeoutMillis) {
        stopped.add(gang);
      }
    }
    for (Gang gang : stopped) {
      String cause = gang.who(gang.dropped) + " failed" + (gang.dropped.lost == null ? "" : ": " + gang.dropped.lost);
      if (gang.cancelling) {
        cancelled(gang, cause, now);
      } else {
        if (gang.allStopped()) {
          Set<String> members = new HashSet<>();
          gang.parts.forEach(part -> members.add(part.executorId));
          dropped.put(gang.jobId, new Dropped(gang.job.attempt(), members));
        }
        fail(gang, cause, now);
      }
    }
    place(now);
  }

  private void join(Gang gang, Node node, int rank) {
    gang.parts.add(new Part(rank, node.id, List.of(), true));
    node.jobs.add(gang.jobId);
  }

  private void release(Node node, String jobId) {
    if (node.released.add(jobId)) {
      debug(() -> "job " + jobId + ": RELEASE sent to executor " + node.id);
      sink.assign(Assignment.release(node.id, jobId));
    }
  }

  /** {@code part}'s executor no longer lists the job. */
  private void stopped(Gang gang, Part part, long now) {
    part.stopped = true;
    if (gang.over || gang.cancelling || gang.job == null) {
      if (gang.allStopped()) {
        end(gang);
      }
    } else if (gang.dropped == null) {
      // Wait for the terminal state: at a normal end the members stop before rank 0 has sent it.
      gang.dropped = part;
      gang.droppedAtMillis = now;
    }
  }

  /** The executors {@code nodes}, gone, no longer run their members: each such job's attempt fails. */
  private void lose(List<Node> nodes, String what, long now) {
    for (Node node : nodes) {
      for (String jobId : List.copyOf(node.jobs)) {
        Gang gang = placed.get(jobId);
        if (gang == null) {
          continue; // its attempt failed with another member lost at the same time
        }
        Part part = gang.part(node.id);
        if (part.stopped) {
          continue;
        }
        String cause = gang.who(part) + " " + what;
        if (gang.over) {
          part.stopped = true;
          if (gang.allStopped()) {
            end(gang);
          }
        } else if (gang.cancelling) {
          cancelled(gang, cause, now);
        } else if (gang.job == null) {
          LOG.log(System.Logger.Level.WARNING, "{0} with job {1}, which this scheduler did not place; it runs "
              + "again when the api re-publishes it", cause, jobId);
          forget(gang);
        } else {
          fail(gang, cause, now);
        }
      }
    }
  }

  /** A job being cancelled lost a member: it ends CANCELLED (the others were told to cancel). */
  private void cancelled(Gang gang, String cause, long now) {
    end(gang);
    // An adopted job's attempt is unknown here (0): the api applies it to the current one.
    sink.event(JobEvent.state(gang.jobId, gang.attempt(), JobState.CANCELLED, cause + " while cancelling", null, now));
  }

  /** The job's attempt failed: requeued with attempt + 1, or FAILED after {@code maxAttempts}. */
  private void fail(Gang gang, String cause, long now) {
    forget(gang);
    JobMessage job = gang.job;
    int failed = failures.merge(gang.jobId, 1, Integer::sum);
    debug(() -> "job " + gang.jobId + ": attempt " + job.attempt() + " failed (" + cause + "), " + failed + " of "
        + maxAttempts);
    if (failed >= maxAttempts) {
      failures.remove(gang.jobId);
      ended.put(gang.jobId, job.attempt());
      sink.event(JobEvent.state(gang.jobId, job.attempt(), JobState.FAILED, JobMessage.gaveUp(failed, cause), null,
          now));
      return;
    }
    JobMessage again = JobMessage.submit(job.jobId(), job.tenantId(), job.specJson(), job.priority(),
        job.submittedAtMillis(), job.datasetDir(), job.validationDir(), job.attempt() + 1, job.memoryMb())
        .withLostAttempts(failed);
    String reason = cause + "; will resume from checkpoint";
    queue.put(gang.jobId, new Queued(again, gang.demand, gang.resources, reason, true));
    sink.event(JobEvent.state(gang.jobId, again.attempt(), JobState.QUEUED, reason, null, now));
  }

  /**
   * The attempt failed for stopping without a terminal state had one after all, late (the events
   * topic behind the heartbeats by more than the timeout): the job is over, so its next attempt
   * must not run. Dropped from the queue, or cancelled where it was placed already; the api kept
   * the job's end, and refuses what the next attempt's executors send.
   */
  private void endedLate(String jobId) {
    dropped.remove(jobId);
    failures.remove(jobId);
    Queued queued = queue.remove(jobId);
    if (queued != null) {
      ended.put(jobId, queued.job.attempt());
      return;
    }
    Gang gang = placed.get(jobId);
    if (gang != null && !gang.cancelling && gang.job != null) {
      cancelMembers(gang, gang.job.tenantId());
    }
  }

  /** Drops a job that runs no more, telling its surviving members to release it. */
  private void forget(Gang gang) {
    placed.remove(gang.jobId);
    for (Part part : gang.parts) {
      Node node = executors.get(part.executorId);
      if (node != null) {
        node.jobs.remove(gang.jobId);
        if (!part.stopped) {
          release(node, gang.jobId);
        }
      }
    }
  }

  /** The job ended and no member runs it any more. */
  private void end(Gang gang) {
    debug(() -> "job " + gang.jobId + " ended, attempt " + gang.attempt());
    placed.remove(gang.jobId);
    failures.remove(gang.jobId);
    for (Part part : gang.parts) {
      Node node = executors.get(part.executorId);
      if (node != null) {
        node.jobs.remove(gang.jobId);
      }
    }
    // An adopted job's attempt is unknown: once its terminal state came, no SUBMIT runs it again;
    // if none came (lost on the bus), the api requeues it, and that SUBMIT must run.
    ended.put(gang.jobId, gang.job != null ? gang.job.attempt() : gang.over ? Integer.MAX_VALUE : 0);
  }

  private void place(long now) {
    if (queue.isEmpty() || now < placeFromMillis) {
      return;
    }
    List<Placement.Job> jobs = new ArrayList<>(queue.size());
    for (Queued q : queue.values()) {
      jobs.add(job(q));
    }
    List<Placement.Slot> slots = new ArrayList<>(executors.size());
    for (Node node : executors.values()) {
      Heartbeat b = node.last;
      Capacity free = new Capacity(b.freeCores(), 0, b.freeMemoryMb());
      for (String jobId : node.jobs) {
        Gang gang = placed.get(jobId);
        Part part = gang.part(node.id);
        if (!part.listed && !part.stopped) {
          free = free.minus(new Capacity(gang.demand.cores(), 0, gang.demand.memoryMb()));
        }
      }
      free = free.plus(new Capacity(0, freeGpus(node).size(), 0));
      slots.add(new Placement.Slot(node.id, size(b), free,
          node.hasDataPort()));
    }
    Placement.Result result = Placement.place(jobs, slots, now, reserveAfterMillis, running());
    for (Placement.Placed p : result.placed()) {
      Queued q = queue.remove(p.jobId());
      List<Member> members = members(q.resources, p.executorIds());
      Gang gang = new Gang(p.jobId(), q.job, q.demand, q.resources, false);
      for (Member m : members) {
        Node node = executors.get(m.executorId());
        gang.parts.add(new Part(m.rank(), m.executorId(), m.gpus(), false));
        node.jobs.add(p.jobId());
        node.released.remove(p.jobId());
      }
      placed.put(p.jobId(), gang);
      debug(() -> "job " + p.jobId() + ": attempt " + q.job.attempt() + " placed on " + p.executorIds());
      sink.event(JobEvent.assigned(p.jobId(), q.job.attempt(), members, now));
      for (Member m : members) {
        sink.assign(Assignment.run(m.executorId(), q.job, members));
      }
    }
    for (Map.Entry<String, String> w : result.waiting().entrySet()) {
      Queued q = queue.get(w.getKey());
      if (!w.getValue().equals(q.reason)) {
        q.reason = w.getValue();
        sink.event(JobEvent.state(w.getKey(), q.job.attempt(), JobState.QUEUED, q.reason, null, now));
      }
    }
  }

  /** All of an executor, free or not; its GPUs are the devices it lists. */
  private static Capacity size(Heartbeat b) {
    return new Capacity(b.cores(), b.devices().size(), b.memoryMb());
  }

  /** Tenant id → what its placed jobs hold, all members: where each tenant's fair share starts. */
  private Map<String, Capacity> running() {
    Map<String, Capacity> held = new HashMap<>();
    for (Gang gang : placed.values()) {
      if (gang.job != null) {
        held.merge(tenant(gang.job), gang.demand.times(gang.parts.size()), Capacity::plus);
      }
    }
    return held;
  }

  /** A message from a writer older than the tenant field shares one nameless tenant. */
  private static String tenant(JobMessage job) {
    return job.tenantId() == null ? "" : job.tenantId();
  }

  /**
   * The members of a job placed on {@code executorIds}, by rank: each one's share of the workers
   * and servers, the lowest {@code r.gpus()} of its executor's free GPUs and, for a job of several,
   * its executor's data port as its last heartbeat gave it.
   */
  private List<Member> members(JobSpec.Resources r, List<String> executorIds) {
    if (executorIds.size() == 1) {
      Node node = executors.get(executorIds.get(0));
      return List.of(new Member(0, node.id, null, 0, 0, r.workers(), 0, r.servers(), gpusFor(node, r)));
    }
    List<Member> members = new ArrayList<>(executorIds.size());
    for (int rank = 0; rank < executorIds.size(); rank++) {
      Node node = executors.get(executorIds.get(rank));
      Heartbeat b = node.last;
      members.add(new Member(rank, b.executorId(), b.dataHost(), b.dataPort(), r.firstOf(r.workers(), rank),
          r.workersOf(rank), r.firstOf(r.servers(), rank), r.serversOf(rank), gpusFor(node, r)));
    }
    return members;
  }

  /** Placement found {@code r.gpus()} free on {@code node}: the lowest of them. */
  private List<Integer> gpusFor(Node node, JobSpec.Resources r) {
    return List.copyOf(freeGpus(node).subList(0, r.gpus()));
  }

  /**
   * The ordinals of {@code node}'s GPUs free in its last heartbeat, less those given to members
   * placed there that no heartbeat has listed yet. An executor that lists no devices (one older
   * than GPU discovery) has none to give.
   */
  private List<Integer> freeGpus(Node node) {
    List<Integer> free = new ArrayList<>();
    for (Gpu gpu : node.last.devices()) {
      if (gpu.free()) {
        free.add(gpu.ordinal());
      }
    }
    for (String jobId : node.jobs) {
      Part part = placed.get(jobId).part(node.id);
      if (!part.listed && !part.stopped) {
        free.removeAll(part.gpus);
      }
    }
    return free;
  }

  /**
   * The queued job as placement sees it. An executor that still lists it (told to release an
   * earlier attempt, it has not stopped yet) does not take it: the new attempt would meet the old.
   */
  private Placement.Job job(Queued q) {
    Set<String> avoid = new HashSet<>();
    if (q.requeued) {
      for (Node node : executors.values()) {
        if (node.released.contains(q.job.jobId()) || node.last.runningJobs().contains(q.job.jobId())) {
          avoid.add(node.id);
        }
      }
    }
    return new Placement.Job(tenant(q.job), q.job.jobId(), q.job.priority(), q.job.submittedAtMillis(), q.demand,
        q.resources.executors(), avoid);
  }

  /** Ids of the queued jobs in the fair order they would be placed in if each fitted; for tests and diagnostics. */
  List<String> queuedJobs() {
    List<Placement.Job> jobs = new ArrayList<>();
    for (Queued q : queue.values()) {
      jobs.add(job(q));
    }
    Capacity total = Capacity.NONE;
    for (Node node : executors.values()) {
      total = total.plus(size(node.last));
    }
    FairShare order = new FairShare(jobs, running(), total);
    List<String> ids = new ArrayList<>();
    for (Placement.Job j = order.next(); j != null; j = order.next()) {
      order.charge(j);
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

  /** The executor of a placed job's rank 0, or null. */
  String executorOf(String jobId) {
    Gang gang = placed.get(jobId);
    return gang == null || gang.parts.isEmpty() ? null : gang.parts.get(0).executorId;
  }

  /** The executors of a placed job's members, by rank; empty when it is not placed. */
  List<String> membersOf(String jobId) {
    Gang gang = placed.get(jobId);
    List<String> out = new ArrayList<>();
    if (gang != null) {
      for (Part part : gang.parts) {
        out.add(part.executorId);
      }
    }
    return out;
  }
}
