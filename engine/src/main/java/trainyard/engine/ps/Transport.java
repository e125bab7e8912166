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
   * True when a push's buffers are free again as soon as {@link #send} returns (the server ran
   * it, or it was serialised onto the network), so the worker need not copy them.
   */
  default boolean releasesPushBuffers() {
    return false;
  }

  /**
   * True when {@link #send} runs requests for server {@code server} before it returns, on the
   * sender's thread; a worker then holds a pull's part for it back until it needs the values.
   */
  default boolean runsOnSend(int server) {
    return false;
  }

  /**
   * True when server {@code server} is in another process: the worker sends those parts first,
   * so they travel while it runs the local ones.
   */
  default boolean remote(int server) {
    return false;
  }

  /**
   * Sends what {@link #send} left queued: a transport may hold pushes back to travel with the
   * next request. Workers call it before they wait, so nothing they wait for stays queued.
   */
  default void flush() {}

  /** Stops delivering; requests not yet processed are dropped. */
  @Override
  void close();
}
