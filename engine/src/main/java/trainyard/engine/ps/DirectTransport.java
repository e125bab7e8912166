package trainyard.engine.ps;

import java.util.List;

/**
 * All nodes in one JVM with no server threads: the sending worker runs the request itself while
 * holding the shard's lock, so a request is done when {@link #send} returns. No thread hand-offs
 * or queues, which pays when the machine has fewer cores than workers plus servers; pushes then
 * never overlap computation, so every consistency model behaves as sequential per worker.
 *
 * <p>Thread-safe: one lock per shard keeps a shard's state single-writer.
 */
public final class DirectTransport implements Transport {
  private final ServerShard[] shards;
  private final Object[] locks;

  public DirectTransport(List<ServerShard> shards) {
    this.shards = shards.toArray(new ServerShard[0]);
    this.locks = new Object[this.shards.length];
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  @Override
  public void send(int server, Request request) {
    try {
      synchronized (locks[server]) {
        shards[server].handle(request);
      }
    } finally {
      request.complete();
    }
  }

  @Override
  public boolean releasesPushBuffers() {
    return true;
  }

  @Override
  public boolean runsOnSend(int server) {
    return true;
  }

  @Override
  public void close() {}
}
