package trainyard.api.platform;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;
import trainyard.bus.BusConsumer;
import trainyard.bus.Received;

/**
 * Polls one {@link BusConsumer} on its own daemon thread and hands every batch to a handler,
 * until {@link #stop}. Thread-safe: start and stop are synchronized; the handler runs on the
 * polling thread only.
 */
public final class ConsumerThread<T> {
  private static final Logger LOG = Logger.getLogger(ConsumerThread.class);

  /** Handles one batch (possibly empty); may commit the consumer's position. */
  public interface BatchHandler<T> {
    void handle(List<Received<T>> batch, BusConsumer<T> consumer) throws InterruptedException;
  }

  private final String name;
  private final Duration pollTimeout;
  private final Duration stopTimeout;
  private BusConsumer<T> consumer; // Guarded by this
  private Thread thread; // Guarded by this
  private volatile boolean running;

  public ConsumerThread(String name, Duration pollTimeout, Duration stopTimeout) {
    this.name = name;
    this.pollTimeout = pollTimeout;
    this.stopTimeout = stopTimeout;
  }

  public synchronized void start(BusConsumer<T> c, BatchHandler<T> handler) {
    consumer = c;
    running = true;
    thread = new Thread(() -> loop(c, handler), name);
    thread.setDaemon(true);
    thread.start();
  }

  /** False once {@link #stop} was called: a handler retrying something should give up. */
  public boolean running() {
    return running;
  }

  private void loop(BusConsumer<T> c, BatchHandler<T> handler) {
    try {
      while (running) {
        handler.handle(c.poll(pollTimeout), c);
      }
    } catch (WakeupException e) {
      // stop() asked us to leave
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.errorf(e, "%s stopped", name);
    } finally {
      c.close();
    }
  }

  public synchronized void stop() {
    if (thread == null) {
      return;
    }
    running = false;
    consumer.wakeup();
    try {
      thread.join(stopTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread = null;
    consumer = null;
  }
}
