package trainyard.engine.ps;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker's view of the parameter server (ps-lite's KVWorker): three calls and a timestamp.
 *
 * <p>Keys in every call but {@link #register} are unique and strictly ascending (signed order);
 * each key carries {@code pushWidth} gradient floats on a push and receives {@code pullWidth}
 * floats on a pull.
 * Requests to one server are applied in the order they were issued, so a pull issued after a
 * push of the same worker sees that push; a pull's part held back ({@link #pull}) may also see
 * later ones.
 *
 * <p>Not thread-safe: one instance per worker thread. Servers complete requests from their own
 * threads. Once a request fails (its server or the connection to it broke), every later wait and
 * send throws.
 */
public final class KVWorker {
  /**
   * Requests in flight at most; issuing more waits for the oldest. Flow control: each pending
   * push holds a copy of its gradients, so even τ = ∞ keeps memory bounded.
   */
  private static final int RING = 1 << 8;

  private final Transport transport;
  private final KeyRanges ranges;
  private final int pushWidth;
  private final int pullWidth;
  /** Parts still outstanding per timestamp, indexed by {@code ts & (RING-1)}. */
  private final AtomicIntegerArray remaining = new AtomicIntegerArray(RING);
  private final int[] splits;
  /** Pushes copy their buffers unless the transport runs requests before send returns. */
  private final boolean copy;
  /**
   * The servers in the order a request's parts go out: those in other processes first, so they
   * travel while the local ones run; within each, starting at a server of the worker's own, so
   * that workers rarely queue for the same one.
   */
  private final int[] sendOrder;
  private final int id;
  /** How servers report back; one object per worker, so requests carry no callback of their own. */
  private final Completion done = new Completion() {
    @Override
    public void complete(Request r) {
      partDone(r.timestamp);
    }

    @Override
    public void fail(Request r, RuntimeException cause) {
      failed(cause);
    }
  };
  /**
   * Per timestamp slot, for {@link #pushPulled}: the pull's keys or ranks (the caller's arrays),
   * where they split over servers, and how many pulls preceded it; null keys and ranks when the
   * slot's request was no pull, or its push was sent.
   */
  private final long[][] pulledKeys = new long[RING][];
  private final int[][] pulledRanks = new int[RING][];
  private final int[][] pulledSplits = new int[RING][];
  private final long[] pulledIndex = new long[RING];
  private long pulls;
  /**
   * Per server: true when the transport runs its requests inside {@link Transport#send}. A pull's
   * parts for those are held back until the pull is waited for ({@link #pull}).
   */
  private final boolean[] runsOnSend;
  /** Per timestamp slot, by server: the pull's parts held back, or null; a slot's array is made on first use. */
  private final Request[][] heldBack = new Request[RING][];
  private final boolean[] holding = new boolean[RING];
  /** After {@link #register}: ranks [registered[s], registered[s+1]) belong to server s. */
  private int[] registered;
  private int registeredCount;
  private long next;
  private volatile Thread waiter;
  /** The first failure a server reported; a failed part never completes, so waits check this. */
  private volatile RuntimeException failure;

  /**
   * A worker with the global id {@code id}, unique among the job's workers (by convention
   * {@code rank << 16 | local}): servers keep registrations by it.
   */
  public KVWorker(Transport transport, KeyRanges ranges, int pushWidth, int pullWidth, int id) {
    this.transport = transport;
    this.id = id;
    this.ranges = ranges;
    this.pushWidth = pushWidth;
    this.pullWidth = pullWidth;
    this.splits = new int[ranges.servers() + 1];
    this.copy = !transport.releasesPushBuffers();
    int servers = ranges.servers();
    this.sendOrder = sendOrder(transport, servers, Math.floorMod(id, servers));
    this.runsOnSend = new boolean[servers];
    for (int s = 0; s < servers; s++) {
      runsOnSend[s] = transport.runsOnSend(s);
    }
  }

  private static int[] sendOrder(Transport transport, int servers, int first) {
    int[] order = new int[servers];
    int n = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < servers; i++) {
        int s = (first + i) % servers;
        if (transport.remote(s) == (pass == 0)) {
          order[n++] = s;
        }
      }
    }
    return order;
  }

  /**
   * Sends {@code vals} ({@code keys.length * pushWidth} floats) as gradients of {@code keys} and
   * returns with a timestamp. The caller may reuse both arrays at once: they are copied, unless
   * the transport {@linkplain Transport#releasesPushBuffers() is done with them} when it returns.
   */
  public long push(long[] keys, float[] vals) {
    return push(keys, keys.length, vals);
  }

  /** As {@link #push(long[], float[])} for the first {@code n} keys of a reusable buffer. */
  public long push(long[] keys, int n, float[] vals) {
    return push(keys, n, vals, 1f);
  }

  /**
   * As {@link #push(long[], int, float[])}, the servers applying it with their learning rate times
   * {@code rate}, a schedule's factor ({@link Updater#apply}).
   */
  public long push(long[] keys, int n, float[] vals, float rate) {
    checkKeys(keys, n, vals.length, pushWidth, "vals");
    long ts = begin(keys, n);
    fanOut(Request.Kind.PUSH, keys, null, vals, pushWidth, ts, rate, -1);
    return ts;
  }

  /**
   * Asks for the values of {@code keys}; {@code out} ({@code keys.length * pullWidth} floats) is
   * filled once {@link #waitFor} of the returned timestamp returns. Until then the caller must
   * not touch either array.
   *
   * <p>The parts for servers that the transport runs inside {@code send} (in this process, with
   * no server threads) are held back until the pull is waited for, or its push sent. A pull issued
   * ahead of its minibatch then reads those servers' values when the minibatch needs them: fresh
   * in the cache the gradient reads them from (FM over two processes: 1.07–1.17× the examples/s;
   * PERFORMANCE.md, "Distributed"), and as fresh as the model is. Such a part may therefore also
   * see this worker's pushes sent after the pull, which bounded delay allows: it bounds how stale
   * a value may be, not how fresh.
   */
  public long pull(long[] keys, float[] out) {
    return pull(keys, keys.length, out);
  }

  /** As {@link #pull(long[], float[])} for the first {@code n} keys of a reusable buffer. */
  public long pull(long[] keys, int n, float[] out) {
    checkKeys(keys, n, out.length, pullWidth, "out");
    long ts = begin(keys, n);
    fanOut(Request.Kind.PULL, keys, null, out, pullWidth, ts, 1f, -1);
    pulled(ts, keys, null);
    return ts;
  }

  /**
   * Registers the keys this worker will use: each server stores the keys of its range,
   * initialised where new, and remembers where they live. Afterwards {@link #pushRanks} and
   * {@link #pullRanks} address keys by their index in this list, which spares the servers a hash
   * probe per key (ps-lite caches key lists for the same reason). The keys are unique and grouped
   * by server, the servers' groups in server order ({@link KeyRanges#owner}); within a group in
   * any order. A server stores its new keys in the order given, so a worker that lists its most
   * used keys first finds them side by side in the server's memory. Registering again replaces
   * the list. Returns a timestamp; {@code keys} is copied.
   */
  public long register(long[] keys) {
    int servers = splits.length - 1;
    int[] groups = new int[servers + 1];
    int server = 0;
    for (int i = 0; i < keys.length; i++) {
      int owner = ranges.owner(keys[i]);
      if (owner < server) {
        throw new IllegalArgumentException("keys must be grouped by server in server order: keys[" + i + "]="
            + keys[i] + " belongs to server " + owner + ", after keys of server " + server);
      }
      while (server < owner) {
        groups[++server] = i;
      }
    }
    while (server < servers) {
      groups[++server] = keys.length;
    }
    long ts = nextTimestamp();
    System.arraycopy(groups, 0, splits, 0, groups.length);
    expectParts(ts);
    registered = groups;
    registeredCount = keys.length;
    for (int s : sendOrder) {
      int from = splits[s];
      int to = splits[s + 1];
      if (from < to) {
        long[] k = Arrays.copyOfRange(keys, from, to);
        transport.send(s, new Request(Request.Kind.REGISTER, k, null, 0, 0, to - from, null, 0, id, done, ts, 1f));
      }
    }
    return ts;
  }

  /**
   * As {@link #push(long[], int, float[])} for the registered keys at positions
   * {@code ranks[0..n)} (unique, ascending). The caller may reuse both arrays at once.
   */
  public long pushRanks(int[] ranks, int n, float[] vals) {
    return pushRanks(ranks, n, vals, 1f);
  }

  /** As {@link #pushRanks(int[], int, float[])} with a rate factor, as {@link #push(long[], int, float[], float)}. */
  public long pushRanks(int[] ranks, int n, float[] vals, float rate) {
    long ts = beginRanks(ranks, n, vals.length, pushWidth);
    fanOut(Request.Kind.PUSH, null, ranks, vals, pushWidth, ts, rate, -1);
    return ts;
  }

  /**
   * As {@link #pull(long[], int, float[])} for the registered keys at positions
   * {@code ranks[0..n)} (unique, ascending). Until {@link #waitFor} returns, the caller must not
   * touch either array.
   */
  public long pullRanks(int[] ranks, int n, float[] out) {
    long ts = beginRanks(ranks, n, out.length, pullWidth);
    fanOut(Request.Kind.PULL, null, ranks, out, pullWidth, ts, 1f, -1);
    pulled(ts, null, ranks);
    return ts;
  }

  /**
   * Pushes {@code vals} as gradients of exactly the keys of this worker's earlier pull {@code pull}
   * ({@link #pull} or {@link #pullRanks}), with a rate factor as {@link #push(long[], int, float[], float)}:
   * a minibatch's push after its pull. The caller must have left that pull's key or rank array
   * unchanged; it may reuse {@code vals} at once. Over the network a push by rank then travels
   * without its ranks, which the servers kept from the pull, while at most {@link KeptRanks#DEPTH}
   * - 1 pulls followed it. Each pull can be pushed once.
   */
  public long pushPulled(long pull, float[] vals, float rate) {
    int from = (int) (pull & (RING - 1));
    if (pull < 0 || pull >= next || pull < next - RING || pulledSplits[from] == null
        || (pulledKeys[from] == null && pulledRanks[from] == null)) {
      throw new IllegalArgumentException("timestamp " + pull + " is no pull of this worker waiting for its push");
    }
    release(pull);
    long[] keys = pulledKeys[from];
    int[] ranks = pulledRanks[from];
    int n = pulledSplits[from][splits.length - 1];
    if (vals.length < (long) n * pushWidth) {
      throw new IllegalArgumentException("vals must hold " + n + " x " + pushWidth + " floats, got " + vals.length);
    }
    // Each server kept the ranks of this worker's last DEPTH pulls it answered, at least.
    boolean kept = ranks != null && pulls - pulledIndex[from] < KeptRanks.DEPTH;
    pulledKeys[from] = null;
    pulledRanks[from] = null;
    long ts = nextTimestamp();
    System.arraycopy(pulledSplits[from], 0, splits, 0, splits.length);
    expectParts(ts);
    fanOut(Request.Kind.PUSH, keys, ranks, vals, pushWidth, ts, rate, kept ? pull : -1);
    return ts;
  }

  /** Remembers pull {@code ts} (splits[] says where its keys went) for {@link #pushPulled}. */
  private void pulled(long ts, long[] keys, int[] ranks) {
    int slot = (int) (ts & (RING - 1));
    int[] where = pulledSplits[slot];
    if (where == null) {
      where = pulledSplits[slot] = new int[splits.length];
    }
    System.arraycopy(splits, 0, where, 0, splits.length);
    pulledKeys[slot] = keys;
    pulledRanks[slot] = ranks;
    pulledIndex[slot] = ++pulls;
  }

  /**
   * Sends each server its slice of {@code keys} (or of {@code ranks}, into its registered list)
   * and of {@code vals}, {@code width} floats per key; a push that repeats pull {@code pulled}'s
   * kept ranks says so.
   */
  private void fanOut(Request.Kind kind, long[] keys, int[] ranks, float[] vals, int width, long ts, float rate,
      long pulled) {
    // The caller may reuse a push's arrays at once, so a transport that runs later gets copies.
    boolean copySlices = copy && kind == Request.Kind.PUSH;
    for (int s : sendOrder) {
      int from = splits[s];
      int to = splits[s + 1];
      if (from < to) {
        int base = ranks == null ? 0 : registered[s];
        if (copySlices) {
          long[] k = keys == null ? null : Arrays.copyOfRange(keys, from, to);
          int[] r = ranks == null ? null : Arrays.copyOfRange(ranks, from, to);
          float[] v = Arrays.copyOfRange(vals, from * width, to * width);
          transport.send(s, new Request(kind, k, r, base, 0, to - from, v, 0, id, done, ts, rate, pulled));
        } else {
          Request r = new Request(kind, keys, ranks, base, from, to, vals, from * width, id, done, ts, rate, pulled);
          if (kind == Request.Kind.PULL && runsOnSend[s]) {
            holdBack(ts, s, r);
          } else {
            transport.send(s, r);
          }
        }
      }
    }
  }

  private void holdBack(long ts, int server, Request r) {
    int slot = (int) (ts & (RING - 1));
    if (heldBack[slot] == null) {
      heldBack[slot] = new Request[runsOnSend.length];
    }
    heldBack[slot][server] = r;
    holding[slot] = true;
  }

  /** Sends the parts of request {@code ts} that {@link #holdBack} kept, if any. */
  private void release(long ts) {
    int slot = (int) (ts & (RING - 1));
    if (!holding[slot]) {
      return;
    }
    holding[slot] = false;
    Request[] parts = heldBack[slot];
    for (int s = 0; s < parts.length; s++) {
      Request r = parts[s];
      if (r != null) {
        parts[s] = null;
        transport.send(s, r);
      }
    }
  }

  /** How the job's keys split over its servers. */
  public KeyRanges ranges() {
    return ranges;
  }

  /** This worker's global id. */
  public int id() {
    return id;
  }

  /**
   * Blocks until the request with timestamp {@code ts} is done on every server. Throws
   * {@link IllegalStateException} naming the cause if one of its parts failed.
   */
  public void waitFor(long ts) {
    if (ts < next - RING) {
      return;
    }
    int slot = (int) (ts & (RING - 1));
    release(ts);
    if (remaining.get(slot) == 0) {
      return;
    }
    transport.flush();
    waiter = Thread.currentThread();
    try {
      while (remaining.get(slot) != 0) {
        RuntimeException f = failure;
        if (f != null) {
          throw new IllegalStateException("worker " + id + ": " + f.getMessage(), f);
        }
        LockSupport.park(this);
      }
    } finally {
      waiter = null;
    }
  }

  /** Blocks until every request issued so far is done. */
  public void waitAll() {
    long from = Math.max(0, next - RING);
    for (long ts = from; ts < next; ts++) {
      waitFor(ts);
    }
  }

  private void failed(RuntimeException cause) {
    if (failure == null) {
      failure = cause;
    }
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  private void partDone(long ts) {
    if (remaining.decrementAndGet((int) (ts & (RING - 1))) == 0) {
      Thread w = waiter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  /** Takes the next timestamp, once its slot's request of RING timestamps ago is done. */
  private long nextTimestamp() {
    long ts = next;
    if (ts >= RING) {
      waitFor(ts - RING);
    }
    next = ts + 1;
    int slot = (int) (ts & (RING - 1));
    pulledKeys[slot] = null;
    pulledRanks[slot] = null;
    return ts;
  }

  /** Takes the next timestamp and counts the servers its keys touch (splits[] says where). */
  private long begin(long[] keys, int n) {
    long ts = nextTimestamp();
    int servers = splits.length - 1;
    splits[0] = 0;
    for (int s = 1; s < servers; s++) {
      splits[s] = lowerIndex(keys, splits[s - 1], n, ranges.lowerBound(s));
    }
    splits[servers] = n;
    expectParts(ts);
    return ts;
  }

  /**
   * Request {@code ts} completes once each server that splits[] gives keys has answered; a
   * request with no keys completes at once.
   */
  private void expectParts(long ts) {
    int parts = 0;
    for (int s = 0; s < splits.length - 1; s++) {
      parts += splits[s + 1] > splits[s] ? 1 : 0;
    }
    remaining.set((int) (ts & (RING - 1)), parts);
  }

  /** As {@link #begin} for ranks: checks them and cuts them at the registered servers' bounds. */
  private long beginRanks(int[] ranks, int n, int valsLength, int width) {
    if (registered == null) {
      throw new IllegalStateException("register keys before addressing them by rank");
    }
    if (n < 0 || n > ranks.length || valsLength < (long) n * width) {
      throw new IllegalArgumentException("n must be in [0, " + ranks.length + "] with " + width
          + " floats per rank in the values, got n=" + n + " and " + valsLength + " floats");
    }
    for (int i = 0; i < n; i++) {
      if ((i > 0 && ranks[i] <= ranks[i - 1]) || ranks[i] < 0 || ranks[i] >= registeredCount) {
        throw new IllegalArgumentException("ranks must be unique, ascending and < " + registeredCount + ": ranks["
            + i + "]=" + ranks[i]);
      }
    }
    long ts = nextTimestamp();
    int servers = splits.length - 1;
    splits[0] = 0;
    for (int s = 1; s <= servers; s++) {
      if (s < servers) {
        int bound = registered[s];
        int lo = splits[s - 1];
        int hi = n;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (ranks[mid] < bound) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        splits[s] = lo;
      } else {
        splits[s] = n;
      }
    }
    expectParts(ts);
    return ts;
  }

  private void checkKeys(long[] keys, int n, int valsLength, int width, String what) {
    if (n < 0 || n > keys.length) {
      throw new IllegalArgumentException("n must be in [0, " + keys.length + "], got " + n);
    }
    if (valsLength < (long) n * width) {
      throw new IllegalArgumentException(what + " must hold " + n + " x " + width + " floats, got " + valsLength);
    }
    for (int i = 1; i < n; i++) {
      if (keys[i] <= keys[i - 1]) {
        throw new IllegalArgumentException("keys must be unique and ascending: keys[" + (i - 1) + "]=" + keys[i - 1]
            + ", keys[" + i + "]=" + keys[i]);
      }
    }
  }

  /** First index in keys[from..n) whose key is >= bound. */
  private static int lowerIndex(long[] keys, int from, int n, long bound) {
    int lo = from;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (keys[mid] < bound) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
