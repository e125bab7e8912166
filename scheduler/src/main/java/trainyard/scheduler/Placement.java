package trainyard.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import trainyard.bus.Capacity;

/**
 * The placement policy, as a pure function: jobs in fair order ({@link FairShare}: the tenant
 * whose running jobs hold the smallest dominant share of the executors goes next; priority, then
 * age, orders only a tenant's own jobs), each on the executors with room that it fits most
 * tightly, so that large free executors stay free for large jobs. A job of M members (gang) is
 * placed all or nothing on M distinct executors that each have its per-member demand free, or
 * waits holding nothing, so two large gangs cannot deadlock each other on half of the executors
 * each. A job that does not fit does not hold back smaller jobs behind it (backfilling), until it
 * has waited {@code reserveAfterMillis}: then it keeps the M executors that could hold it (those
 * with the most free now, so the first to drain into it) from every job behind it, and cannot
 * starve. Each job left waiting gets a reason a user can act on.
 *
 * <p>Stateless and thread-safe.
 */
public final class Placement {
  /**
   * A job waiting to be placed.
   *
   * @param tenantId whose job it is: the unit that {@link FairShare} shares the executors between
   * @param demand  what each member needs
   * @param members how many distinct executors it runs on, all at once (1..)
   * @param avoid   executors that must not take it: they still run an earlier attempt of it
   */
  public record Job(String tenantId, String jobId, int priority, long submittedAtMillis, Capacity demand,
      int members, Set<String> avoid) {
    public Job {
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(demand, "demand");
      if (members < 1) {
        throw new IllegalArgumentException("members must be >= 1, got " + members);
      }
      avoid = Set.copyOf(avoid);
    }

    /** A job of {@code members} that any executor may take. */
    public Job(String tenantId, String jobId, int priority, long submittedAtMillis, Capacity demand, int members) {
      this(tenantId, jobId, priority, submittedAtMillis, demand, members, Set.of());
    }

    /** A job on one executor. */
    public Job(String tenantId, String jobId, int priority, long submittedAtMillis, Capacity demand) {
      this(tenantId, jobId, priority, submittedAtMillis, demand, 1);
    }

    /** What all its members hold together once placed. */
    Capacity holds() {
      return demand.times(members);
    }
  }

  /**
   * An executor as placement sees it: its size, what is free on it now, and whether it has a
   * data port (only then can it be one of several members of a job).
   */
  public record Slot(String executorId, Capacity total, Capacity free, boolean dataPort) {
    /** An executor without a data port: it takes jobs of one member only. */
    public Slot(String executorId, Capacity total, Capacity free) {
      this(executorId, total, free, false);
    }
  }

  /** {@code jobId} runs on {@code executorIds}, by rank (one for a job of one member). */
  public record Placed(String jobId, List<String> executorIds) {
    public Placed {
      executorIds = List.copyOf(executorIds);
    }

    public Placed(String jobId, String executorId) {
      this(jobId, List.of(executorId));
    }
  }

  /**
   * @param placed  the jobs placed, in the order they were
   * @param waiting job id → why it still waits, in the order they were tried
   */
  public record Result(List<Placed> placed, Map<String, String> waiting) {}

  /** A tenant's own jobs: higher priority first; then the older job; then job id, so that the order is total. */
  public static final Comparator<Job> QUEUE_ORDER = Comparator
      .comparingInt((Job j) -> -j.priority())
      .thenComparingLong(Job::submittedAtMillis)
      .thenComparing(Job::jobId);

  private Placement() {}

  /**
   * @param running tenant id → what its placed jobs hold (all members): the start of each tenant's share
   */
  public static Result place(Collection<Job> jobs, Collection<Slot> slots, long nowMillis, long reserveAfterMillis,
      Map<String, Capacity> running) {
    Capacity total = Capacity.NONE;
    Map<String, Capacity> free = new HashMap<>();
    for (Slot slot : slots) {
      free.put(slot.executorId(), slot.free());
      total = total.plus(slot.total());
    }
    FairShare queue = new FairShare(jobs, running, total);
    Set<String> reserved = new HashSet<>();
    List<Placed> placed = new ArrayList<>();
    Map<String, String> waiting = new LinkedHashMap<>();
    for (Job job = queue.next(); job != null; job = queue.next()) {
      List<String> best = tightestFits(job, slots, free, reserved);
      if (best != null) {
        for (String id : best) {
          free.put(id, free.get(id).minus(job.demand()));
        }
        queue.charge(job);
        placed.add(new Placed(job.jobId(), best));
        continue;
      }
      String reason = reason(job, slots, free, reserved);
      List<String> kept = nowMillis - job.submittedAtMillis() >= reserveAfterMillis
          ? firstToDrain(job, slots, free, reserved) : null;
      if (kept != null) {
        reserved.addAll(kept);
        reason += "; " + String.join(", ", kept) + (kept.size() == 1 ? " takes" : " take")
            + " no new job until it can";
      }
      waiting.put(job.jobId(), reason);
    }
    return new Result(placed, waiting);
  }

  /**
   * Whether {@code slot} may be a member of {@code job}: any executor for one member, one with a
   * data port for more; never one it avoids.
   */
  private static boolean eligible(Job job, Slot slot) {
    return (job.members() == 1 || slot.dataPort()) && !job.avoid().contains(slot.executorId());
  }

  /**
   * Of the executors large enough for the job and not kept for another, the {@code members} with
   * the most free, most free first; or null when there are fewer.
   */
  private static List<String> firstToDrain(Job job, Collection<Slot> slots, Map<String, Capacity> free,
      Set<String> reserved) {
    List<String> candidates = new ArrayList<>();
    for (Slot slot : slots) {
      if (eligible(job, slot) && slot.total().fits(job.demand()) && !reserved.contains(slot.executorId())) {
        candidates.add(slot.executorId());
      }
    }
    if (candidates.size() < job.members()) {
      return null;
    }
    candidates.sort((a, b) -> tighter(free.get(b), b, free.get(a), a) ? -1
        : tighter(free.get(a), a, free.get(b), b) ? 1 : 0);
    return List.copyOf(candidates.subList(0, job.members()));
  }

  /**
   * The {@code members} executors not kept for another job that fit the per-member demand with
   * the fewest cores, GPUs, memory left, tightest first; or null when fewer fit.
   */
  private static List<String> tightestFits(Job job, Collection<Slot> slots, Map<String, Capacity> free,
      Set<String> reserved) {
    List<String> fits = new ArrayList<>();
    Map<String, Capacity> left = new HashMap<>();
    for (Slot slot : slots) {
      String id = slot.executorId();
      Capacity f = free.get(id);
      if (eligible(job, slot) && f.fits(job.demand()) && !reserved.contains(id)) {
        fits.add(id);
        left.put(id, f.minus(job.demand()));
      }
    }
    if (fits.size() < job.members()) {
      return null;
    }
    fits.sort((a, b) -> tighter(left.get(a), a, left.get(b), b) ? -1
        : tighter(left.get(b), b, left.get(a), a) ? 1 : 0);
    return List.copyOf(fits.subList(0, job.members()));
  }

  private static boolean tighter(Capacity a, String aId, Capacity b, String bId) {
    if (a.gpus() != b.gpus()) {
      return a.gpus() < b.gpus();
    }
    if (a.cores() != b.cores()) {
      return a.cores() < b.cores();
    }
    if (a.memoryMb() != b.memoryMb()) {
      return a.memoryMb() < b.memoryMb();
    }
    return aId.compareTo(bId) < 0;
  }

  static String reason(Job job, Collection<Slot> slots, Map<String, Capacity> free, Set<String> reserved) {
    int stopping = 0;
    for (Slot slot : slots) {
      if (job.avoid().contains(slot.executorId()) && slot.total().fits(job.demand())) {
        stopping++;
      }
    }
    String reason = roomReason(job, slots, free, reserved, stopping);
    return stopping == 0 ? reason
        : reason + "; " + stopping + " still stopping its last attempt";
  }

  private static String roomReason(Job job, Collection<Slot> slots, Map<String, Capacity> free, Set<String> reserved,
      int stopping) {
    if (slots.isEmpty()) {
      return "no executor is connected";
    }
    Capacity demand = job.demand();
    int maxCores = 0;
    int maxGpus = 0;
    long maxMemory = 0;
    int largeEnough = 0;
    int largeWithoutPort = 0;
    int haveRoom = 0;
    int freeCores = 0;
    int freeGpus = 0;
    long freeMemory = 0;
    for (Slot slot : slots) {
      maxCores = Math.max(maxCores, slot.total().cores());
      maxGpus = Math.max(maxGpus, slot.total().gpus());
      maxMemory = Math.max(maxMemory, slot.total().memoryMb());
      if (job.avoid().contains(slot.executorId())) {
        continue;
      }
      Capacity f = free.get(slot.executorId());
      freeCores = Math.max(freeCores, f.cores());
      freeGpus = Math.max(freeGpus, f.gpus());
      freeMemory = Math.max(freeMemory, f.memoryMb());
      if (slot.total().fits(demand)) {
        if (eligible(job, slot)) {
          largeEnough++;
          if (f.fits(demand) && !reserved.contains(slot.executorId())) {
            haveRoom++;
          }
        } else {
          largeWithoutPort++;
        }
      }
    }
    if (!anyLargeEnough(slots, demand)) {
      String needs = "no executor is large enough: needs ";
      if (demand.cores() > maxCores) {
        return needs + cores(demand.cores()) + "; largest has " + maxCores;
      }
      if (demand.gpus() > maxGpus) {
        return needs + gpus(demand.gpus()) + "; largest has " + maxGpus;
      }
      if (demand.memoryMb() > maxMemory) {
        return needs + demand.memoryMb() + " MB of memory; largest has " + maxMemory + " MB";
      }
      return needs + describe(demand, "") + "; none has all of that";
    }
    if (job.members() > 1) {
      int m = job.members();
      int large = largeEnough + stopping;
      if (large < m) {
        String needs = "needs " + m + " executors with a data port and " + describe(demand, "") + "; "
            + (large == 0 ? "none is" : "only " + large + (large == 1 ? " is" : " are"));
        if (large == slots.size()) {
          // Every executor would do; there are too few of them (one was lost, say): add or restart one.
          return needs + " connected";
        }
        return needs + " that large" + (largeWithoutPort == 0 ? ""
                : " (" + largeWithoutPort + " more " + (largeWithoutPort == 1 ? "has" : "have") + " no data port)");
      }
      return "needs " + m + " executors with " + describe(demand, "free ") + "; " + haveRoom
          + (haveRoom == 1 ? " has" : " have") + " them";
    }
    if (demand.cores() > freeCores) {
      return "no executor has " + demand.cores() + " free " + (demand.cores() == 1 ? "core" : "cores")
          + "; largest free: " + freeCores;
    }
    if (demand.gpus() > freeGpus) {
      return "no executor has " + demand.gpus() + " free " + (demand.gpus() == 1 ? "GPU" : "GPUs")
          + "; most free: " + freeGpus;
    }
    if (demand.memoryMb() > freeMemory) {
      return "no executor has " + demand.memoryMb() + " MB of free memory; most free: " + freeMemory + " MB";
    }
    return "no executor has " + demand + " free at once";
  }

  /** Whether any of {@code slots} is large enough for {@code demand}, free or not. */
  private static boolean anyLargeEnough(Collection<Slot> slots, Capacity demand) {
    for (Slot slot : slots) {
      if (slot.total().fits(demand)) {
        return true;
      }
    }
    return false;
  }

  /** "2 free cores, 1 GPU, 1024 MB" ({@code adjective} "free ") or "2 cores, 1024 MB": GPUs only when asked for. */
  private static String describe(Capacity c, String adjective) {
    return c.cores() + " " + adjective + (c.cores() == 1 ? "core" : "cores")
        + (c.gpus() == 0 ? "" : ", " + gpus(c.gpus())) + ", " + c.memoryMb() + " MB";
  }

  private static String cores(int n) {
    return n + (n == 1 ? " core" : " cores");
  }

  private static String gpus(int n) {
    return n + (n == 1 ? " GPU" : " GPUs");
  }
}
