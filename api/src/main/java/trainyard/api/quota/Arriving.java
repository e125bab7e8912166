package trainyard.api.quota;

import trainyard.api.problem.ApiException;

/**
 * One streamed upload's bytes, counted against its tenant's storage quota as they arrive: such a
 * body may declare no size, so only counting it can stop it at the quota. The uploads of one
 * tenant that arrive at the same time in this process share one count ({@link QuotaService}
 * starts it from the database when the first of them starts), so together they cannot pass the
 * quota either. Thread-safe.
 */
public final class Arriving {
  /** The tenant's storage as its arriving uploads see it; guarded by itself. */
  static final class Shared {
    final long limit;
    long used;
    /** Uploads sharing it; guarded by QuotaService's map. */
    int open;

    Shared(long limit, long used) {
      this.limit = limit;
      this.used = used;
    }
  }

  /** A tenant without a storage quota. */
  public static final Arriving UNLIMITED = new Arriving(null, () -> {});

  private final Shared shared;
  private final Runnable onEnd;
  /** This upload's bytes; guarded by shared. */
  private long mine;

  Arriving(Shared shared, Runnable onEnd) {
    this.shared = shared;
    this.onEnd = onEnd;
  }

  /** Counts {@code n} more bytes; false once the tenant's storage is past its quota. */
  public boolean take(long n) {
    if (shared == null) {
      return true;
    }
    synchronized (shared) {
      mine += n;
      shared.used += n;
      return shared.used <= shared.limit;
    }
  }

  /** 403 {@code quota_exceeded}: the bytes taken passed the storage quota. */
  public ApiException refusal() {
    synchronized (shared) {
      return QuotaService.exceeded("storageBytes", shared.limit, shared.used - mine, "the upload passed it at "
          + mine + " bytes while it arrived and nothing of it is kept; delete datasets, models or jobs first");
    }
  }

  /**
   * The upload ended: its bytes stay counted while the tenant's other uploads arrive when they
   * were {@code kept} (a dataset holds them now), else they are given back.
   */
  public void end(boolean kept) {
    if (shared == null) {
      return;
    }
    synchronized (shared) {
      if (!kept) {
        shared.used -= mine;
      }
      mine = 0;
    }
    onEnd.run();
  }
}
