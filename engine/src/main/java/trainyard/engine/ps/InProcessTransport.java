package trainyard.engine.ps;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * All nodes in one JVM: each server shard runs on its own daemon thread and drains a FIFO queue,
 * so a shard's state is only ever touched by that thread. Requests travel by reference.
 *
 * <p>Thread-safe.
 */
public final class InProcessTransport implements Transport {
  private static final Request STOP = new Request(Request.Kind.PULL, new long[0], null, 0, 0, 0, new float[0], 0, -1, null, 0, 1f);

  private final LinkedBlockingQueue<Request>[] queues;
  private final Thread[] threads;
  private volatile Throwable failure;

  @SuppressWarnings("unchecked")
  public InProcessTransport(List<ServerShard> shards, String name) {
    queues = new LinkedBlockingQueue[shards.size()];
    threads = new Thread[shards.size()];
    for (int s = 0; s < shards.size(); s++) {
      LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
      ServerShard shard = shards.get(s);
      queues[s] = queue;
      threads[s] = new Thread(() -> serve(queue, shard), name + "-server-" + s);
      threads[s].setDaemon(true);
      threads[s].start();
    }
  }

  @Override
  public void send(int server, Request request) {
    Throwable f = failure;
    if (f != null) {
      throw new IllegalStateException("a parameter server shard failed: " + f, f);
    }
    queues[server].add(request);
  }

  /** The first error a shard threw, or null. */
  public Throwable failure() {
    return failure;
  }

  private void serve(LinkedBlockingQueue<Request> queue, ServerShard shard) {
    try {
      while (true) {
        Request r = queue.take();
        if (r == STOP) {
          return;
        }
        RuntimeException error = null;
        try {
          shard.handle(r);
        } catch (RuntimeException e) {
          error = e;
          if (failure == null) {
            failure = e;
          }
        }
        // A failed request is reported, never dropped, so no worker waits forever.
        if (error == null) {
          r.complete();
        } else {
          r.fail(new IllegalStateException("a parameter server shard failed: " + error, error));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (LinkedBlockingQueue<Request> q : queues) {
      q.add(STOP);
    }
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
