package trainyard.engine.ps;

/**
 * Where a request reports back: the sending {@link KVWorker} when it ran in this process, a
 * reply frame to the sender when it arrived over the network. Implementations are thread-safe:
 * server and network threads call them.
 */
interface Completion {
  /** The request is done; for a pull, its values are in place. Called once per request. */
  void complete(Request r);

  /** The request will never complete: its server or the connection to it failed. */
  void fail(Request r, RuntimeException cause);
}
