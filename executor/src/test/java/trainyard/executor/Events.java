package trainyard.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import trainyard.bus.BusConsumer;
import trainyard.bus.Received;

/**
 * Everything a test has read from one topic, and waiting for a message that matches. Not
 * thread-safe.
 */
final class Events<T> implements AutoCloseable {
  private final BusConsumer<T> consumer;
  private final List<T> seen = new ArrayList<>();

  Events(String bootstrapServers, Class<T> type) {
    consumer = new BusConsumer<>(bootstrapServers, type, null, BusConsumer.Start.LATEST);
  }

  /** The first message read so far, or read within 30 s, that matches; fails otherwise. */
  T await(Predicate<T> match, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int checked = 0;
    while (true) {
      for (; checked < seen.size(); checked++) {
        if (match.test(seen.get(checked))) {
          return seen.get(checked);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within 30 s; saw " + seen);
      }
      for (Received<T> r : consumer.poll(Duration.ofMillis(100))) {
        seen.add(r.value());
      }
    }
  }

  /** Every message read so far that matches. */
  List<T> all(Predicate<T> match) {
    List<T> out = new ArrayList<>();
    for (T t : seen) {
      if (match.test(t)) {
        out.add(t);
      }
    }
    return out;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
