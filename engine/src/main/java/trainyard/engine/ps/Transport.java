package trainyard.engine.ps;

/**
 * Carries requests from workers to server shards (ps-lite's Van). The in-process transports
 * hand over references; a job member's transport ({@link ParameterServer#member}) also
 * serialises requests for other members' shards, runs them there and copies a pull's values
 * back before calling {@link Request#complete()}.
 *
 * <p>Implementations are thread-safe: every worker thread sends concurrently. Requests from one
 * worker to one server are processed in the order they were sent.
 */
public interface Transport extends AutoCloseable {
  /** Queues {@code request} for server shard {@code server}; returns without waiting. */
  void send(int server, Request request);

  /**
   * True when {@link #send} returns only after the server ran the request: the sender's buffers
   * are free again at once, so a push need not copy them.
   */
  default boolean synchronous() {
    return false;
  }

  /** Stops delivering; requests not yet processed are dropped. */
  @Override
  void close();
}
