package trainyard.api.job;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * When a job still QUEUED is handed to the scheduler again: {@code first} after its submit, then
 * after twice the last gap, at most {@code max} apart. A job that waits for room (the scheduler
 * has it and says why) is not sent every round forever, while a scheduler restarted alone, which
 * forgot its queue, still gets every waiting job back within {@code max}. Thread-safe.
 */
final class ResendSchedule {
  private final long firstMillis;
  private final long maxMillis;
  /** job id → when it is next due, and the gap that led there. */
  private final Map<String, Step> steps = new HashMap<>();

  private record Step(long atMillis, long gapMillis) {}

  ResendSchedule(Duration first, Duration max) {
    if (first.toMillis() < 1 || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("need 0 < first <= max, got " + first + " and " + max);
    }
    this.firstMillis = first.toMillis();
    this.maxMillis = max.toMillis();
  }

  /** Whether the QUEUED job submitted at {@code createdAtMillis} is due now; if so its next time is set. */
  synchronized boolean due(String jobId, long createdAtMillis, long nowMillis) {
    Step step = steps.getOrDefault(jobId, new Step(createdAtMillis + firstMillis, firstMillis));
    if (nowMillis < step.atMillis()) {
      steps.put(jobId, step);
      return false;
    }
    long gap = Math.min(step.gapMillis() * 2, maxMillis);
    steps.put(jobId, new Step(nowMillis + gap, gap));
    return true;
  }

  /** Forgets every job but {@code queued}, the ones still QUEUED. */
  synchronized void keepOnly(Collection<String> queued) {
    steps.keySet().retainAll(queued);
  }
}
