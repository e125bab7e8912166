package trainyard.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import trainyard.bus.Capacity;

/**
 * Dominant-resource fairness between tenants, as the order in which waiting jobs are tried. A
 * tenant's share is the largest of the fractions of all executors' cores, GPUs and memory (free
 * or not) that its jobs hold; the tenant with the smallest share goes next, with the first of its
 * own jobs in {@link Placement#QUEUE_ORDER}. So a priority orders only its tenant's jobs: a
 * tenant with a thousand jobs of priority 1000 raises its share with each one placed, and another
 * tenant's job of priority 0 goes before its next. Equal shares go to the tenant whose next job is
 * older, then by tenant id. Only {@link #charge} raises a share: a job that could not be placed
 * leaves its tenant's turn to its next job. Tenants wait in a priority queue, so a round costs
 * O(jobs × log tenants).
 *
 * <p>Not thread-safe: one per placement round.
 */
final class FairShare {
  /** A tenant with jobs left, as it stood when it last came back into line. */
  private record Turn(String tenantId, double share, long nextSubmittedAtMillis) {}

  private static final Comparator<Turn> ORDER = Comparator.comparingDouble(Turn::share)
      .thenComparingLong(Turn::nextSubmittedAtMillis)
      .thenComparing(Turn::tenantId);

  private final Map<String, Deque<Placement.Job>> queues = new HashMap<>();
  private final Map<String, Capacity> held;
  private final Capacity total;
  private final PriorityQueue<Turn> line = new PriorityQueue<>(ORDER);
  /** The tenant of the job {@link #next} gave last: out of line until its share is known again. */
  private String out;

  /**
   * @param running tenant id → what its placed jobs hold
   * @param total   all the executors' capacity, free or not
   */
  FairShare(Collection<Placement.Job> jobs, Map<String, Capacity> running, Capacity total) {
    Map<String, List<Placement.Job>> byTenant = new HashMap<>();
    for (Placement.Job job : jobs) {
      byTenant.computeIfAbsent(job.tenantId(), t -> new ArrayList<>()).add(job);
    }
    this.held = new HashMap<>(running);
    this.total = total;
    for (Map.Entry<String, List<Placement.Job>> e : byTenant.entrySet()) {
      e.getValue().sort(Placement.QUEUE_ORDER);
      queues.put(e.getKey(), new ArrayDeque<>(e.getValue()));
      line.add(turn(e.getKey()));
    }
  }

  /** The next job to try, taken off the queue; null when none is left. */
  Placement.Job next() {
    if (out != null && !queues.get(out).isEmpty()) {
      line.add(turn(out));
    }
    Turn turn = line.poll();
    if (turn == null) {
      out = null;
      return null;
    }
    out = turn.tenantId();
    return queues.get(out).pollFirst();
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

  private Turn turn(String tenantId) {
    return new Turn(tenantId, share(tenantId), queues.get(tenantId).peekFirst().submittedAtMillis());
  }
}
