package trainyard.engine.ps;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker's view of the parameter server (ps-lite's KVWorker): three calls and a timestamp.
 *
 * <p>Keys in every call are unique and strictly ascending (signed order); each key carries
 * {@code pushWidth} gradient floats on a push and receives {@code pullWidth} floats on a pull.
 * Requests to one server are applied in the order they were issued, so a pull issued after a
 * push of the same worker sees that push.
 *
 * <p>Not thread-safe: one instance per worker thread. Servers complete requests from their own
 * threads.
 */
public final class KVWorker {
  /** Timestamps in flight at most; issuing more waits for the oldest. */
  private static final int RING = 1 << 12;

  private final Transport transport;
  private final KeyRanges ranges;
  private final int pushWidth;
  private final int pullWidth;
  /** Parts still outstanding per timestamp, indexed by {@code ts & (RING-1)}. */
  private final AtomicIntegerArray remaining = new AtomicIntegerArray(RING);
  private final int[] splits;
  private long next;
  private volatile Thread waiter;

  public KVWorker(Transport transport, KeyRanges ranges, int pushWidth, int pullWidth) {
    this.transport = transport;
    this.ranges = ranges;
    this.pushWidth = pushWidth;
    this.pullWidth = pullWidth;
    this.splits = new int[ranges.servers() + 1];
  }

  /**
   * Sends {@code vals} ({@code keys.length * pushWidth} floats) as gradients of {@code keys} and
   * returns at once with a timestamp. Both arrays are copied: the caller may reuse them.
   */
  public long push(long[] keys, float[] vals) {
    return push(keys, keys.length, vals);
  }

  /** As {@link #push(long[], float[])} for the first {@code n} keys of a reusable buffer. */
  public long push(long[] keys, int n, float[] vals) {
    checkKeys(keys, n, vals.length, pushWidth, "vals");
    long ts = begin(keys, n);
    for (int s = 0; s < splits.length - 1; s++) {
      int from = splits[s];
      int to = splits[s + 1];
      if (from < to) {
        long[] k = Arrays.copyOfRange(keys, from, to);
        float[] v = Arrays.copyOfRange(vals, from * pushWidth, to * pushWidth);
        transport.send(s, new Request(Request.Kind.PUSH, k, 0, to - from, v, 0, this, ts));
      }
    }
    return ts;
  }

  /**
   * Asks for the values of {@code keys}; {@code out} ({@code keys.length * pullWidth} floats) is
   * filled once {@link #waitFor} of the returned timestamp returns. Until then the caller must
   * not touch either array.
   */
  public long pull(long[] keys, float[] out) {
    return pull(keys, keys.length, out);
  }

  /** As {@link #pull(long[], float[])} for the first {@code n} keys of a reusable buffer. */
  public long pull(long[] keys, int n, float[] out) {
    checkKeys(keys, n, out.length, pullWidth, "out");
    long ts = begin(keys, n);
    for (int s = 0; s < splits.length - 1; s++) {
      int from = splits[s];
      int to = splits[s + 1];
      if (from < to) {
        transport.send(s, new Request(Request.Kind.PULL, keys, from, to, out, from * pullWidth, this, ts));
      }
    }
    return ts;
  }

  /** Blocks until the request with timestamp {@code ts} is done on every server. */
  public void waitFor(long ts) {
    if (ts < next - RING) {
      return;
    }
    int slot = (int) (ts & (RING - 1));
    if (remaining.get(slot) == 0) {
      return;
    }
    waiter = Thread.currentThread();
    while (remaining.get(slot) != 0) {
      LockSupport.park(this);
    }
    waiter = null;
  }

  /** Blocks until every request issued so far is done. */
  public void waitAll() {
    long from = Math.max(0, next - RING);
    for (long ts = from; ts < next; ts++) {
      waitFor(ts);
    }
  }

  void partDone(long ts) {
    if (remaining.decrementAndGet((int) (ts & (RING - 1))) == 0) {
      Thread w = waiter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  /** Takes the next timestamp and counts the servers its keys touch (splits[] says where). */
  private long begin(long[] keys, int n) {
    long ts = next;
    if (ts >= RING) {
      waitFor(ts - RING);
    }
    next = ts + 1;
    int parts = 0;
    int servers = splits.length - 1;
    splits[0] = 0;
    for (int s = 1; s < servers; s++) {
      splits[s] = lowerIndex(keys, splits[s - 1], n, ranges.lowerBound(s));
      if (splits[s] > splits[s - 1]) {
        parts++;
      }
    }
    splits[servers] = n;
    if (n > splits[servers - 1]) {
      parts++;
    }
    // A request with no keys still needs a timestamp that completes.
    remaining.set((int) (ts & (RING - 1)), parts);
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
