package trainyard.engine.optim;

/** Fills the {@code width} weights of a new key; must depend only on the key. Thread-safe. */
@FunctionalInterface
public interface WeightInit {
  WeightInit ZERO = (key, w, off, width) -> {};

  void init(long key, float[] w, int off, int width);
}
