package trainyard.api.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import trainyard.api.platform.TrainyardConfig;

/**
 * Who may ingest now: at most {@code trainyard.upload.ingest-threads} ingestions at once, and at
 * most {@code trainyard.upload.ingest-threads-per-tenant} of one tenant, so that one tenant's slow
 * uploads cannot hold every permit. A waiter is a future, not a parked thread; a freed permit
 * goes to the longest waiter whose tenant is under its share. Thread-safe.
 */
@ApplicationScoped
public class IngestPermits {
  /** A permit held by one ingestion; give it back with {@link #release} once. */
  public final class Permit {
    private final String tenant;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(String tenant) {
      this.tenant = tenant;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        giveBack(tenant);
        grantWaiters();
      }
    }
  }

  private record Waiter(String tenant, CompletableFuture<Permit> future) {}

  private final int total;
  private final int perTenant;
  /** Permits held, by tenant; guarded by this. */
  private final Map<String, Integer> held = new HashMap<>();
  /** Guarded by this. */
  private int heldTotal;
  /** In arrival order; guarded by this. */
  private final Deque<Waiter> waiters = new ArrayDeque<>();

  @Inject
  public IngestPermits(TrainyardConfig config) {
    this(config.upload().ingestThreads(), config.upload().ingestThreadsPerTenant());
  }

  IngestPermits(int total, int perTenant) {
    this.total = total;
    this.perTenant = perTenant;
  }

  /** A permit for {@code tenant} once one is free for it, however long that takes. */
  CompletableFuture<Permit> acquire(String tenant) {
    Waiter w = new Waiter(tenant, new CompletableFuture<>());
    synchronized (this) {
      waiters.addLast(w);
    }
    grantWaiters();
    return w.future();
  }

  /**
   * A permit for {@code tenant} within {@code wait}; past it the future fails with a
   * {@link java.util.concurrent.TimeoutException} and the waiter leaves the line.
   */
  CompletableFuture<Permit> acquire(String tenant, Duration wait) {
    CompletableFuture<Permit> future = acquire(tenant);
    future.orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS).whenComplete((p, e) -> {
      if (e != null) {
        leave(future);
      }
    });
    return future;
  }

  /** A permit for {@code tenant} if one is free for it now, else null. */
  synchronized Permit tryAcquire(String tenant) {
    return fits(tenant) ? take(tenant) : null;
  }

  /** Whether someone waits who would get a permit if one of {@code tenant}'s were given back. */
  synchronized boolean wanted(String tenant) {
    for (Waiter w : waiters) {
      if (!w.future().isDone()
          && (w.tenant().equals(tenant) || heldTotal >= total && heldBy(w.tenant()) < perTenant)) {
        return true;
      }
    }
    return false;
  }

  /** Ingestions waiting for a permit. */
  public synchronized int waiting() {
    int n = 0;
    for (Waiter w : waiters) {
      n += w.future().isDone() ? 0 : 1;
    }
    return n;
  }

  /** Permits held. */
  public synchronized int running() {
    return heldTotal;
  }

  /** Hands free permits to waiters in arrival order; completes their futures outside the lock. */
  private void grantWaiters() {
    while (true) {
      Waiter next = null;
      Permit permit = null;
      synchronized (this) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
          Waiter w = it.next();
          if (w.future().isDone()) {
            it.remove(); // timed out
          } else if (fits(w.tenant())) {
            it.remove();
            next = w;
            permit = take(w.tenant());
            break;
          }
        }
      }
      if (next == null) {
        return;
      }
      if (!next.future().complete(permit)) {
        giveBack(permit.tenant); // it timed out meanwhile
      }
    }
  }

  private synchronized void leave(CompletableFuture<Permit> future) {
    waiters.removeIf(w -> w.future() == future);
  }

  /** Guarded by this. */
  private boolean fits(String tenant) {
    return heldTotal < total && heldBy(tenant) < perTenant;
  }

  /** Guarded by this. */
  private int heldBy(String tenant) {
    return held.getOrDefault(tenant, 0);
  }

  /** Guarded by this. */
  private Permit take(String tenant) {
    held.merge(tenant, 1, Integer::sum);
    heldTotal++;
    return new Permit(tenant);
  }

  private synchronized void giveBack(String tenant) {
    held.computeIfPresent(tenant, (t, n) -> n == 1 ? null : n - 1);
    heldTotal--;
  }
}
