package trainyard.engine.train;

/**
 * The coordinator's sign of life. Its thread beats each time it comes round one of its waits
 * (every 100 ms at most while it waits on members) and after each shard it loads. A thread stuck
 * in a step of its own, a manifest commit, a model export or a listener call on a hung file system
 * or bus, stops beating, and {@link Trainer} gives the job up once it has been silent for the
 * stall timeout: the members' {@link StallWatch} cannot see the coordinator itself.
 *
 * <p>Thread-safe.
 */
final class Pulse {
  private volatile long last = System.nanoTime();

  void beat() {
    last = System.nanoTime();
  }

  long silentNanos() {
    return System.nanoTime() - last;
  }
}
