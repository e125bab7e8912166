package trainyard.engine.ps;

/**
 * Carries requests from workers to server shards (ps-lite's Van). The in-process transport
 * hands over references; a TCP transport will serialise the request, run it remotely and copy a
 * pull's values back before calling {@link Request#complete()}.
 *
 * <p>Implementations are thread-safe: every worker thread sends concurrently. Requests from one
 * worker to one server are processed in the order they were sent.
 */
public interface Transport extends AutoCloseable {
  /** Queues {@code request} for server shard {@code server}; returns without waiting. */
  void send(int server, Request request);

  /** Stops delivering; requests not yet processed are dropped. */
  @Override
  void close();
}
