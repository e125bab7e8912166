package trainyard.engine.ps;

/**
 * One server's part of a request. By key: keys {@code keys[from..to)}. By rank (after
 * {@link KVWorker#register}): {@code ranks[from..to)}, positions in the worker's registered key
 * list, of which this server holds the part starting at {@code rankBase}. Values start at
 * {@code vals[valOff]}: gradients for a push (a copy the worker no longer touches), the worker's
 * output buffer for a pull. A REGISTER request carries the keys of the server's part.
 * A transport delivers it to the server and calls {@link #complete()} once the server is done.
 *
 * <p>Immutable fields; the value buffer belongs to the transport until completion.
 */
public final class Request {
  public enum Kind { PUSH, PULL, REGISTER }

  public final Kind kind;
  /** The keys, or null when the request addresses registered keys by rank. */
  public final long[] keys;
  public final int[] ranks;
  public final int rankBase;
  public final int from;
  public final int to;
  public final float[] vals;
  public final int valOff;
  /** The global id of the worker that sent it: whose registration ranks refer to. */
  public final int worker;
  /** A push's learning-rate factor ({@link Updater#apply}); 1 for other kinds. */
  public final float rate;
  private final Completion origin;
  /** The worker's timestamp, or the sender's sequence id when the request came over the network. */
  final long timestamp;
  /**
   * For a push by rank: the worker's timestamp of the pull whose ranks it repeats, when the server
   * that answered that pull still keeps them ({@link KeptRanks}); otherwise -1.
   */
  final long pulled;

  Request(Kind kind, long[] keys, int[] ranks, int rankBase, int from, int to, float[] vals, int valOff,
      int worker, Completion origin, long timestamp, float rate) {
    this(kind, keys, ranks, rankBase, from, to, vals, valOff, worker, origin, timestamp, rate, -1);
  }

  Request(Kind kind, long[] keys, int[] ranks, int rankBase, int from, int to, float[] vals, int valOff,
      int worker, Completion origin, long timestamp, float rate, long pulled) {
    this.kind = kind;
    this.keys = keys;
    this.ranks = ranks;
    this.rankBase = rankBase;
    this.from = from;
    this.to = to;
    this.vals = vals;
    this.valOff = valOff;
    this.origin = origin;
    this.worker = worker;
    this.timestamp = timestamp;
    this.rate = rate;
    this.pulled = pulled;
  }

  /** Tells the sender that this part is done; called once, from any thread. */
  public void complete() {
    origin.complete(this);
  }

  /** Tells the sender that this part will never be done; instead of {@link #complete()}. */
  public void fail(RuntimeException cause) {
    origin.fail(this, cause);
  }
}
