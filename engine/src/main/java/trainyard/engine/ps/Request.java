package trainyard.engine.ps;

/**
 * One server's part of a push or pull: keys {@code keys[from..to)} with their values starting at
 * {@code vals[valOff]}. For a push, {@code vals} holds the gradients (a copy the worker no longer
 * touches); for a pull, the server writes into {@code vals}, the worker's output buffer.
 * A transport delivers it to the server and calls {@link #complete()} once the server is done.
 */
public final class Request {
  public enum Kind { PUSH, PULL }

  public final Kind kind;
  public final long[] keys;
  public final int from;
  public final int to;
  public final float[] vals;
  public final int valOff;
  private final KVWorker origin;
  private final long timestamp;

  Request(Kind kind, long[] keys, int from, int to, float[] vals, int valOff, KVWorker origin, long timestamp) {
    this.kind = kind;
    this.keys = keys;
    this.from = from;
    this.to = to;
    this.vals = vals;
    this.valOff = valOff;
    this.origin = origin;
    this.timestamp = timestamp;
  }

  /** Tells the worker that this part is done; called once, from any thread. */
  public void complete() {
    origin.partDone(timestamp);
  }
}
