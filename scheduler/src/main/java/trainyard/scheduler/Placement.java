package trainyard.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import trainyard.bus.Capacity;

/**
 * The placement policy, as a pure function: jobs in queue order (priority first, then age),
 * each on the executor with room that it fits most tightly, so that large free executors stay
 * free for large jobs. A job that does not fit does not hold back smaller jobs behind it
 * (backfilling), until it has waited {@code reserveAfterMillis}: then it keeps one executor that
 * could hold it (the one with the most free now, so the first to drain into it) from every job
 * behind it, and cannot starve. Each job left waiting gets a reason a user can act on.
 *
 * <p>Stateless and thread-safe.
 */
public final class Placement {
  /** A job waiting to be placed. */
  public record Job(String jobId, int priority, long submittedAtMillis, Capacity demand) {}

  /** An executor as placement sees it: its size and what is free on it now. */
  public record Slot(String executorId, Capacity total, Capacity free) {}

  /** {@code jobId} goes to {@code executorId}. */
  public record Placed(String jobId, String executorId) {}

  /**
   * @param placed  the jobs placed, in queue order
   * @param waiting job id → why it still waits, in queue order
   */
  public record Result(List<Placed> placed, Map<String, String> waiting) {}

  /** Higher priority first; then the older job; then job id, so that the order is total. */
  public static final Comparator<Job> QUEUE_ORDER = Comparator
      .comparingInt((Job j) -> -j.priority())
      .thenComparingLong(Job::submittedAtMillis)
      .thenComparing(Job::jobId);

  private Placement() {}

  public static Result place(Collection<Job> jobs, Collection<Slot> slots, long nowMillis, long reserveAfterMillis) {
    List<Job> ordered = new ArrayList<>(jobs);
    ordered.sort(QUEUE_ORDER);
    Map<String, Capacity> free = new HashMap<>();
    for (Slot slot : slots) {
      free.put(slot.executorId(), slot.free());
    }
    Set<String> reserved = new HashSet<>();
    List<Placed> placed = new ArrayList<>();
    Map<String, String> waiting = new LinkedHashMap<>();
    for (Job job : ordered) {
      String best = tightestFit(job.demand(), free, reserved);
      if (best != null) {
        free.put(best, free.get(best).minus(job.demand()));
        placed.add(new Placed(job.jobId(), best));
        continue;
      }
      String reason = reason(job.demand(), slots, free);
      String kept = nowMillis - job.submittedAtMillis() >= reserveAfterMillis
          ? firstToDrain(job.demand(), slots, free, reserved) : null;
      if (kept != null) {
        reserved.add(kept);
        reason += "; " + kept + " takes no new job until it can";
      }
      waiting.put(job.jobId(), reason);
    }
    return new Result(placed, waiting);
  }

  /** Of the executors large enough for {@code demand} and not kept for another job, the one with the most free; or null. */
  private static String firstToDrain(Capacity demand, Collection<Slot> slots, Map<String, Capacity> free,
      Set<String> reserved) {
    String best = null;
    Capacity bestFree = null;
    for (Slot slot : slots) {
      String id = slot.executorId();
      if (!slot.total().fits(demand) || reserved.contains(id)) {
        continue;
      }
      Capacity f = free.get(id);
      if (best == null || tighter(bestFree, best, f, id)) {
        best = id;
        bestFree = f;
      }
    }
    return best;
  }

  /** The executor not kept for another job that fits {@code demand} with the fewest cores, GPUs, memory left; or null. */
  private static String tightestFit(Capacity demand, Map<String, Capacity> free, Set<String> reserved) {
    String best = null;
    Capacity bestLeft = null;
    for (Map.Entry<String, Capacity> entry : free.entrySet()) {
      if (!entry.getValue().fits(demand) || reserved.contains(entry.getKey())) {
        continue;
      }
      Capacity left = entry.getValue().minus(demand);
      if (best == null || tighter(left, entry.getKey(), bestLeft, best)) {
        best = entry.getKey();
        bestLeft = left;
      }
    }
    return best;
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

  static String reason(Capacity demand, Collection<Slot> slots, Map<String, Capacity> free) {
    if (slots.isEmpty()) {
      return "no executor is connected";
    }
    int maxCores = 0;
    int maxGpus = 0;
    long maxMemory = 0;
    boolean anyLargeEnough = false;
    for (Slot slot : slots) {
      maxCores = Math.max(maxCores, slot.total().cores());
      maxGpus = Math.max(maxGpus, slot.total().gpus());
      maxMemory = Math.max(maxMemory, slot.total().memoryMb());
      anyLargeEnough |= slot.total().fits(demand);
    }
    if (!anyLargeEnough) {
      if (demand.cores() > maxCores) {
        return "needs " + cores(demand.cores()) + "; the largest executor has " + maxCores;
      }
      if (demand.gpus() > maxGpus) {
        return "needs " + gpus(demand.gpus()) + "; the most any executor has is " + maxGpus;
      }
      if (demand.memoryMb() > maxMemory) {
        return "needs " + demand.memoryMb() + " MB of memory; the largest executor has " + maxMemory + " MB";
      }
      return "needs " + demand + "; no executor has all of that";
    }
    int freeCores = 0;
    int freeGpus = 0;
    long freeMemory = 0;
    for (Capacity f : free.values()) {
      freeCores = Math.max(freeCores, f.cores());
      freeGpus = Math.max(freeGpus, f.gpus());
      freeMemory = Math.max(freeMemory, f.memoryMb());
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

  private static String cores(int n) {
    return n + (n == 1 ? " core" : " cores");
  }

  private static String gpus(int n) {
    return n + (n == 1 ? " GPU" : " GPUs");
  }
}
