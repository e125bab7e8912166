package trainyard.engine.model;

/**
 * Losses of a margin {@code m} (the model's raw output) against a label. Logistic and hinge
 * read labels > 0 as positive; squared loss uses the label as is. Thread-safe.
 */
public enum Loss {
  /** log(1 + e^m) − y m;  d/dm = σ(m) − y. */
  LOGISTIC,
  /** ½ (m − y)²;  d/dm = m − y. */
  SQUARED,
  /** max(0, 1 − s m) with s = ±1;  d/dm = −s when s m < 1, else 0. */
  HINGE;

  public static Loss of(String name) {
    if (name == null) {
      throw new IllegalArgumentException("loss must be one of logistic, squared, hinge, got null");
    }
    return switch (name) {
      case "logistic" -> LOGISTIC;
      case "squared" -> SQUARED;
      case "hinge" -> HINGE;
      default -> throw new IllegalArgumentException("loss must be one of logistic, squared, hinge, got '" + name + "'");
    };
  }

  public String specName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public double value(float m, float label) {
    return value(m, label, shared(m));
  }

  /**
   * What {@link #value} and {@link #gradient} of the logistic loss share, e^−|m| (0 for the other
   * losses, which do not read it): a training loop computes it once a row and passes it to both,
   * saving a call into the JVM's exp routine.
   */
  public double shared(float m) {
    return this == LOGISTIC ? Math.exp(-Math.abs(m)) : 0;
  }

  /** {@link #value}, given {@code e} = {@link #shared}(m). */
  public double value(float m, float label, double e) {
    switch (this) {
      case LOGISTIC: {
        // log(1 + e^−|m|) with Math.log, an intrinsic: for e^−|m| below 1e-16 it rounds to 0,
        // an absolute error under 1e-16.
        double y = label > 0 ? 1 : 0;
        return Math.max(m, 0) + Math.log(1 + e) - y * m;
      }
      case SQUARED: {
        double d = m - label;
        return 0.5 * d * d;
      }
      default: {
        float s = label > 0 ? 1f : -1f;
        return Math.max(0f, 1f - s * m);
      }
    }
  }

  public float gradient(float m, float label) {
    return gradient(m, label, shared(m));
  }

  /** {@link #gradient}, given {@code e} = {@link #shared}(m). */
  public float gradient(float m, float label, double e) {
    switch (this) {
      case LOGISTIC:
        return sigmoid(m, e) - (label > 0 ? 1f : 0f);
      case SQUARED:
        return m - label;
      default: {
        float s = label > 0 ? 1f : -1f;
        return s * m < 1f ? -s : 0f;
      }
    }
  }

  /** What predict returns: a probability (logistic; hinge as a calibrated-free score σ(m)) or m (squared). */
  public float output(float m) {
    return this == SQUARED ? m : sigmoid(m);
  }

  public static float sigmoid(float m) {
    return sigmoid(m, Math.exp(-Math.abs(m)));
  }

  /** σ(m) from e = e^−|m|: 1 / (1 + e) for m ≥ 0, else 1 − 1 / (1 + e), in float as always. */
  private static float sigmoid(float m, double e) {
    float f = (float) e;
    return m >= 0 ? 1f / (1f + f) : 1f - 1f / (1f + f);
  }
}
