package trainyard.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import trainyard.bus.Capacity;

/**
 * Dominant-resource fairness between tenants, as the order in which waiting jobs are tried. A
 * tenant's share is the largest of the fractions of all executors' cores, GPUs and memory (free
 * or not) that its jobs hold; the tenant with the smallest share goes next, with the first of its
 * own jobs in {@link Placement#QUEUE_ORDER}. So a priority orders only its tenant's jobs: a
 * tenant with a thousand jobs of priority 1000 raises its share with each one placed, and another
 * tenant's job of priority 0 goes before its next. Equal shares go to the tenant whose next job is
 * older, then by tenant id. Only {@link #charge} raises a share: a job that could not be placed
 * leaves its tenant's turn to its next job.
 *
 * <p>Not thread-safe: one per placement round.
 */
final class FairShare {
  private final Map<String, Deque<Placement.Job>> queues = new HashMap<>();
  private final Map<String, Capacity> held;
  private final Capacity total;

  /**
   * @param running tenant id → what its placed jobs hold
   * @param total   all the executors' capacity, free or not
   */
  FairShare(Collection<Placement.Job> jobs, Map<String, Capacity> running, Capacity total) {
    Map<String, List<Placement.Job>> byTenant = new HashMap<>();
    for (Placement.Job job : jobs) {
      byTenant.computeIfAbsent(job.tenantId(), t -> new ArrayList<>()).add(job);
    }
    for (Map.Entry<String, List<Placement.Job>> e : byTenant.entrySet()) {
      e.getValue().sort(Placement.QUEUE_ORDER);
      queues.put(e.getKey(), new ArrayDeque<>(e.getValue()));
    }
    this.held = new HashMap<>(running);
    this.total = total;
  }

  /** The next job to try, taken off the queue; null when none is left. */
  Placement.Job next() {
    String best = null;
    double bestShare = 0;
    for (Map.Entry<String, Deque<Placement.Job>> e : queues.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      double share = share(e.getKey());
      if (best == null || share < bestShare || share == bestShare && before(e.getKey(), best)) {
        best = e.getKey();
        bestShare = share;
      }
    }
    return best == null ? null : queues.get(best).pollFirst();
  }

  /** {@code job} was placed: its tenant now holds what its members take. */
  void charge(Placement.Job job) {
    held.merge(job.tenantId(), job.holds(), Capacity::plus);
  }

  /** The tenant's dominant share, 0..1 (more while executors its jobs were on have gone). */
  double share(String tenantId) {
    Capacity h = held.getOrDefault(tenantId, Capacity.NONE);
    return Math.max(fraction(h.cores(), total.cores()),
        Math.max(fraction(h.gpus(), total.gpus()), fraction(h.memoryMb(), total.memoryMb())));
  }

  /** Of nothing (no executor yet) a share still grows with what is held, so turns still alternate. */
  private static double fraction(long held, long of) {
    return (double) held / Math.max(of, 1);
  }

  /** Between tenants of equal share: whose next job is older, then by tenant id. */
  private boolean before(String tenant, String other) {
    Placement.Job a = queues.get(tenant).peekFirst();
    Placement.Job b = queues.get(other).peekFirst();
    if (a.submittedAtMillis() != b.submittedAtMillis()) {
      return a.submittedAtMillis() < b.submittedAtMillis();
    }
    return tenant.compareTo(other) < 0;
  }
}
