package trainyard.engine.ps;

import java.util.Arrays;

/**
 * The ranks of a connection's latest pulls, per (worker, server), so that the push that follows
 * a pull travels without them: the server has them already (the OSDI'14 paper's key caching,
 * applied to ranks of registered keys; a worker pushes exactly the keys it pulled). Each
 * (worker, server) keeps its last {@link #DEPTH} pulls; {@link KVWorker} names a pull only while
 * fewer than that followed it.
 *
 * <p>Pairs are few (the peer's workers times this member's shards): a linear scan finds one.
 * Not thread-safe: the connection's event loop only.
 */
final class KeptRanks {
  /** Pulls kept per (worker, server): a worker that pulls d minibatches ahead needs d + 1. */
  static final int DEPTH = 4;

  private long[] pairs = new long[0];
  private Ring[] rings = new Ring[0];

  /**
   * Keeps {@code ranks[0..n)} of pull {@code ts}: copied into arrays of its own when {@code copy}
   * (the caller reuses its array), else the array itself, which nobody writes again.
   */
  void keep(int worker, int server, long ts, int[] ranks, int n, boolean copy) {
    Ring r = ring(worker, server);
    int slot = r.next;
    r.next = (slot + 1) % DEPTH;
    if (copy) {
      int[] mine = r.ranks[slot];
      if (mine == null || mine.length < n) {
        mine = new int[Math.max(n, 16)];
      }
      System.arraycopy(ranks, 0, mine, 0, n);
      r.ranks[slot] = mine;
    } else {
      r.ranks[slot] = ranks;
    }
    r.ts[slot] = ts;
    r.n[slot] = n;
  }

  /** The ranks of pull {@code ts} of {@code worker} to {@code server}, which had {@code n}; throws if not kept. */
  int[] ranks(int worker, int server, long ts, int n) {
    Ring r = ring(worker, server);
    for (int slot = 0; slot < DEPTH; slot++) {
      if (r.ts[slot] == ts) {
        if (r.n[slot] != n) {
          throw new IllegalArgumentException("worker " + worker + " pushed " + n + " keys for its pull " + ts
              + " of " + r.n[slot] + " to server " + server);
        }
        return r.ranks[slot];
      }
    }
    throw new IllegalArgumentException("worker " + worker + " pushed for its pull " + ts + " to server " + server
        + ", whose ranks are no longer kept here");
  }

  private Ring ring(int worker, int server) {
    long pair = (long) worker << 32 | (server & 0xffffffffL);
    for (int i = 0; i < pairs.length; i++) {
      if (pairs[i] == pair) {
        return rings[i];
      }
    }
    pairs = Arrays.copyOf(pairs, pairs.length + 1);
    rings = Arrays.copyOf(rings, rings.length + 1);
    pairs[pairs.length - 1] = pair;
    return rings[rings.length - 1] = new Ring();
  }

  private static final class Ring {
    final long[] ts = new long[DEPTH];
    final int[] n = new int[DEPTH];
    final int[][] ranks = new int[DEPTH][];
    /** Where the next pull goes: the oldest of the last DEPTH. */
    int next;

    Ring() {
      Arrays.fill(ts, -1);
    }
  }
}
