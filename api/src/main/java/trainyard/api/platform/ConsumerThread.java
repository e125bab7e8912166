package trainyard.api.platform;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;
import trainyard.bus.BusConsumer;
import trainyard.bus.BusConsumer.Undecodable;
import trainyard.bus.Received;

/**
 * Polls a {@link BusConsumer} on its own daemon thread and hands every batch to a handler, until
 * {@link #stop}. Whatever the handler or the consumer throws, an {@code Error} included, is
 * logged and the consumer is closed and opened again after a back-off (1 s, doubling to 30 s, back
 * to 1 s after a batch is handled): it reads on from its committed position, so nothing
 * uncommitted is lost. Thread-safe: start, stop and the swap to a reopened consumer hold one
 * lock; the handler runs on the polling thread only.
 *
 * <p>About once a second, between batches, it measures its lag (messages on its topic not read
 * yet) by asking the broker for the end offsets: an answer also tells since when it has reached
 * Kafka without a break ({@link #reachingSince}), which a silent topic alone cannot tell.
 */
public final class ConsumerThread<T> {
  private static final Logger LOG = Logger.getLogger(ConsumerThread.class);
  private static final long FIRST_BACKOFF_MS = 1_000;
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final long MEASURE_EVERY_MS = 1_000;
  private static final Duration MEASURE_TIMEOUT = Duration.ofSeconds(2);
  /** Two answers further apart than this are two stretches of reaching Kafka, not one. */
  static final long CONTACT_GAP_MS = 5_000;

  /** Handles one batch (possibly empty); may commit the consumer's position. */
  public interface BatchHandler<T> {
    void handle(List<Received<T>> batch, BusConsumer<T> consumer) throws InterruptedException;
  }

  private final String name;
  private final Duration pollTimeout;
  private final Duration stopTimeout;
  private BusConsumer<T> consumer; // Guarded by this
  private Thread thread; // Guarded by this
  /** Counted down by {@link #stop}: ends the running thread's back-off without interrupting it. */
  private CountDownLatch stopping; // Guarded by this
  private volatile boolean running;
  private volatile long lag = -1;
  /** When the broker last answered, and since when it has answered without a gap; by the system clock. */
  private long lastContactMillis; // Guarded by this
  private long contactSinceMillis = Long.MIN_VALUE; // Guarded by this
  private long measuredAtNanos;

  public ConsumerThread(String name, Duration pollTimeout, Duration stopTimeout) {
    this.name = name;
    this.pollTimeout = pollTimeout;
    this.stopTimeout = stopTimeout;
  }

  /** Opens the first consumer here (so a Kafka that cannot be reached fails the caller), then polls. */
  public synchronized void start(Supplier<BusConsumer<T>> open, BatchHandler<T> handler) {
    start(open, handler, u -> LOG.warnf("%s: skipping %s-%d offset %d: %s", name, u.topic(), u.partition(),
        u.offset(), u.error()));
  }

  /** As {@link #start(Supplier, BatchHandler)}, handing records that do not decode to {@code undecodable}. */
  public synchronized void start(Supplier<BusConsumer<T>> open, BatchHandler<T> handler,
      Consumer<Undecodable> undecodable) {
    consumer = open.get();
    running = true;
    BusConsumer<T> first = consumer;
    CountDownLatch stop = new CountDownLatch(1);
    stopping = stop;
    thread = new Thread(() -> loop(first, open, handler, undecodable, stop), name);
    thread.setDaemon(true);
    thread.start();
  }

  /** False once {@link #stop} was called: a handler retrying something should give up. */
  public boolean running() {
    return running;
  }

  /**
   * For a handler retrying something: waits {@code ms}, unless stopped first; throws {@link
   * Stopped} when stopped, so that the handler leaves its batch uncommitted (it is read again at
   * the next start) instead of going on past what it could not do.
   */
  public void retryAfter(long ms) {
    CountDownLatch s;
    synchronized (this) {
      s = stopping;
    }
    if (s == null || !backOff(s, ms) || !running) {
      throw new Stopped();
    }
  }

  /** Thrown by {@link #retryAfter} once stopped: the handler's batch ends there, uncommitted. */
  public static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopped", null, false, false);
    }
  }

  private void loop(BusConsumer<T> first, Supplier<BusConsumer<T>> open, BatchHandler<T> handler,
      Consumer<Undecodable> undecodable, CountDownLatch stop) {
    BusConsumer<T> c = first;
    long backoffMs = FIRST_BACKOFF_MS;
    while (running) {
      try {
        if (c == null) {
          c = opened(open);
        }
        handler.handle(c.poll(pollTimeout, undecodable), c);
        backoffMs = FIRST_BACKOFF_MS;
        measure(c);
      } catch (WakeupException | Stopped e) {
        // stop() asked us to leave
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      } catch (Throwable e) { // an Error too: one bad moment must not freeze every tenant's updates
        if (!running) {
          break;
        }
        LOG.errorf(e, "%s failed; opening its consumer again in %d ms", name, backoffMs);
        close(c);
        c = null;
        if (!backOff(stop, backoffMs)) {
          break;
        }
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
    close(c);
  }

  private void measure(BusConsumer<T> c) {
    long now = System.nanoTime();
    if (measuredAtNanos != 0 && now - measuredAtNanos < MEASURE_EVERY_MS * 1_000_000) {
      return;
    }
    measuredAtNanos = now;
    try {
      lag = c.lag(MEASURE_TIMEOUT);
      contact(System.currentTimeMillis());
    } catch (KafkaException e) {
      LOG.debugf("%s: Kafka does not answer: %s", name, e.getMessage());
    }
  }

  synchronized void contact(long nowMillis) {
    if (nowMillis - lastContactMillis > CONTACT_GAP_MS) {
      contactSinceMillis = nowMillis;
    }
    lastContactMillis = nowMillis;
  }

  /**
   * Since when (system clock, ms) this reader has reached Kafka without a break longer than a few
   * seconds, or {@code Long.MIN_VALUE} when it does not reach it now.
   */
  public synchronized long reachingSince(long nowMillis) {
    return nowMillis - lastContactMillis > CONTACT_GAP_MS ? Long.MIN_VALUE : contactSinceMillis;
  }

  /** Messages on its topic it had not read at the last measurement; -1 before the first. */
  public long lag() {
    return lag;
  }

  /** Opens a consumer and makes it the one {@link #stop} wakes; closes it at once if stop came first. */
  private BusConsumer<T> opened(Supplier<BusConsumer<T>> open) {
    BusConsumer<T> c = open.get();
    synchronized (this) {
      if (!running) {
        c.close();
        throw new WakeupException();
      }
      consumer = c;
    }
    return c;
  }

  /** Waits {@code ms} unless stopped first; true when the wait ran out. */
  private static boolean backOff(CountDownLatch stop, long ms) {
    try {
      return !stop.await(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void close(BusConsumer<T> c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (RuntimeException e) {
      LOG.debugf(e, "%s: closing its consumer", name);
    }
  }

  /** Stops polling and waits up to the stop timeout for the thread to end; safe to call more than once. */
  public void stop() {
    Thread t;
    BusConsumer<T> c;
    CountDownLatch s;
    synchronized (this) {
      if (thread == null) {
        return;
      }
      running = false;
      t = thread;
      c = consumer;
      s = stopping;
      thread = null;
      consumer = null;
    }
    // No interrupt: the thread closes its consumer as it leaves, and Kafka's close, interrupted,
    // logs an ERROR for every consumer at every shutdown.
    c.wakeup();
    s.countDown();
    try {
      t.join(stopTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
