package trainyard.engine.data.synth;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.FeatureHash;

/**
 * Synthetic click-through data shaped like Criteo's: 13 numeric fields, bucketized on a log scale,
 * and 26 categorical fields whose values follow power laws over vocabularies of 10 to 10^6 values.
 * Every row has exactly one entry per field (39 entries), value 1; a feature id is a 64-bit hash
 * of (field, value) cut to {@code idBits} bits, plus 1 (libsvm tools want ids from 1).
 *
 * <p>Labels come from a factorization machine, so pairwise field interactions carry signal that a
 * linear model cannot see:
 *
 * <pre>
 *   logit(x) = bias + Σ_f w(f, v_f) + Σ_{f<g} ⟨u(f, v_f), u(g, v_g)⟩,   P(click) = σ(logit)
 * </pre>
 *
 * where w and the k-dimensional u are drawn uniformly from hashes of (seed, field, value), so no
 * table of weights is stored. The label is a Bernoulli draw from P(click).
 *
 * <p>Row {@code r} depends only on (seed, r): any range of rows can be generated on its own, in
 * any order, by any thread. Immutable and thread-safe.
 */
public final class CtrGenerator {
  public static final int NUMERIC_FIELDS = 13;
  public static final int CATEGORICAL_FIELDS = 26;
  public static final int FIELDS = NUMERIC_FIELDS + CATEGORICAL_FIELDS;
  /** Numeric buckets: floor(log2(1 + count)) in 0..30, and 31 for a missing value. */
  private static final int NUMERIC_BUCKETS = 32;
  private static final int LATENT = 4;

  private final long seed;
  private final int idBits;
  private final double zipfExponent;
  private final double bias;
  private final double linearScale;
  private final double interactionScale;
  private final int[] vocabulary = new int[FIELDS];
  private final double[] numericScale = new double[NUMERIC_FIELDS];

  /** Defaults: ids in 2^22, Zipf exponent 1.1, about a quarter of the rows positive. */
  public CtrGenerator(long seed) {
    this(seed, 22, 1.1, -1.5, 0.28, 0.235);
  }

  /**
   * @param idBits           feature ids are 1..2^idBits (8..40)
   * @param zipfExponent     power-law exponent of categorical values, > 0 and != 1
   * @param bias             the logit's constant
   * @param linearScale      per-feature weights are uniform in [-linearScale, linearScale]
   * @param interactionScale latent factors are uniform in [-interactionScale, interactionScale]
   */
  public CtrGenerator(long seed, int idBits, double zipfExponent, double bias, double linearScale,
      double interactionScale) {
    if (idBits < 8 || idBits > 40) {
      throw new IllegalArgumentException("idBits must be in 8..40, got " + idBits);
    }
    if (!(zipfExponent > 0) || zipfExponent == 1) {
      throw new IllegalArgumentException("zipfExponent must be > 0 and != 1, got " + zipfExponent);
    }
    this.seed = seed;
    this.idBits = idBits;
    this.zipfExponent = zipfExponent;
    this.bias = bias;
    this.linearScale = linearScale;
    this.interactionScale = interactionScale;
    for (int f = 0; f < FIELDS; f++) {
      if (f < NUMERIC_FIELDS) {
        vocabulary[f] = NUMERIC_BUCKETS;
        numericScale[f] = 1 + 6 * unit(FeatureHash.mix(seed ^ (0x51ed27L + f)));
      } else {
        // 10 .. 10^6 values, spread over the fields as in Criteo (a few huge, many small)
        double u = unit(FeatureHash.mix(seed ^ (0xc0ffeeL + f)));
        vocabulary[f] = (int) Math.round(Math.pow(10, 1 + 5 * u * u));
      }
    }
  }

  /** Values field {@code f} can take. */
  public int vocabulary(int field) {
    return vocabulary[field];
  }

  /** Rows {@code first .. first+rows-1}: fields set, values null (all 1), labels 0 or 1. */
  public CsrBlock block(long first, int rows) {
    int[] rowStart = new int[rows + 1];
    long[] keys = new long[rows * FIELDS];
    int[] fields = new int[rows * FIELDS];
    float[] labels = new float[rows];
    Sampler sampler = new Sampler();
    int[] values = sampler.values;
    for (int r = 0; r < rows; r++) {
      long row = first + r;
      labels[r] = sampleRow(row, sampler);
      int base = r * FIELDS;
      for (int f = 0; f < FIELDS; f++) {
        keys[base + f] = id(f, values[f]);
        fields[base + f] = f;
      }
      rowStart[r + 1] = base + FIELDS;
    }
    return new CsrBlock(rows, rowStart, keys, null, labels, fields);
  }

  /** P(click) of row {@code row} under the true model: the best any learner can predict. */
  public double probability(long row) {
    Sampler s = new Sampler();
    s.state = rowState(row);
    fillValues(s);
    return sigmoid(logit(s, true));
  }

  /** The true logit of a row without its interaction terms: what a perfect linear model could know at best. */
  public double linearProbability(long row) {
    Sampler s = new Sampler();
    s.state = rowState(row);
    fillValues(s);
    return sigmoid(logit(s, false));
  }

  /** Writes rows as libsvm: {@code label id:1 ...}, ids ascending and unique within a row. */
  public void writeLibsvm(OutputStream out, long first, long rows) throws IOException {
    write(out, first, rows, false);
  }

  /** Writes rows as libffm: {@code label field:id:1 ...}, fields 0..38 in order. */
  public void writeLibffm(OutputStream out, long first, long rows) throws IOException {
    write(out, first, rows, true);
  }

  private void write(OutputStream out, long first, long rows, boolean ffm) throws IOException {
    byte[] buf = new byte[1 << 16];
    int pos = 0;
    Sampler sampler = new Sampler();
    int[] values = sampler.values;
    long[] ids = new long[FIELDS];
    for (long row = first; row < first + rows; row++) {
      float label = sampleRow(row, sampler);
      for (int f = 0; f < FIELDS; f++) {
        ids[f] = id(f, values[f]);
      }
      int n = FIELDS;
      if (!ffm) {
        Arrays.sort(ids);
        n = unique(ids);
      }
      if (pos + 64 * FIELDS > buf.length) {
        out.write(buf, 0, pos);
        pos = 0;
      }
      buf[pos++] = (byte) (label > 0 ? '1' : '0');
      for (int i = 0; i < n; i++) {
        buf[pos++] = ' ';
        if (ffm) {
          pos = writeLong(buf, pos, i);
          buf[pos++] = ':';
        }
        pos = writeLong(buf, pos, ids[i]);
        buf[pos++] = ':';
        buf[pos++] = '1';
      }
      buf[pos++] = '\n';
    }
    out.write(buf, 0, pos);
  }

  private static int unique(long[] sorted) {
    int n = 1;
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] != sorted[n - 1]) {
        sorted[n++] = sorted[i];
      }
    }
    return n;
  }

  private static int writeLong(byte[] buf, int pos, long v) {
    if (v == 0) {
      buf[pos] = '0';
      return pos + 1;
    }
    int digits = 0;
    for (long t = v; t > 0; t /= 10) {
      digits++;
    }
    for (int i = pos + digits - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return pos + digits;
  }

  /** The feature id of value {@code v} of field {@code f}: 1..2^idBits. */
  public long id(int field, int value) {
    return 1 + (FeatureHash.mix(seed * 0x9E3779B97F4A7C15L + ((long) field << 32 | value)) >>> (64 - idBits));
  }

  /** Fills the field values of a row and returns its label. */
  private float sampleRow(long row, Sampler s) {
    s.state = rowState(row);
    fillValues(s);
    double p = sigmoid(logit(s, true));
    return unit(s.next()) < p ? 1f : 0f;
  }

  private long rowState(long row) {
    return FeatureHash.mix(seed ^ FeatureHash.mix(row + 0x632BE59BD9B4E019L));
  }

  private void fillValues(Sampler s) {
    int[] values = s.values;
    for (int f = 0; f < NUMERIC_FIELDS; f++) {
      double u = unit(s.next());
      if (u < 0.05) {
        values[f] = NUMERIC_BUCKETS - 1;
      } else {
        // a count with a heavy tail: exp of a scaled exponential draw
        double count = Math.expm1(numericScale[f] * -Math.log(unit(s.next()) + 1e-12) / 2);
        int bucket = (int) (Math.log1p(count) / Math.log(2));
        values[f] = Math.min(bucket, NUMERIC_BUCKETS - 2);
      }
    }
    double s1 = 1 - zipfExponent;
    for (int f = NUMERIC_FIELDS; f < FIELDS; f++) {
      int n = vocabulary[f];
      double u = unit(s.next());
      // inverse CDF of a power law on [1, n+1), floored: value v has weight about (v+1)^-s
      double x = Math.pow(1 + u * (Math.pow(n + 1, s1) - 1), 1 / s1);
      values[f] = Math.min(n - 1, (int) x - 1);
    }
  }

  private double logit(Sampler s, boolean interactions) {
    int[] values = s.values;
    double[] sum = s.latentSum;
    Arrays.fill(sum, 0);
    double z = bias;
    double squares = 0;
    for (int f = 0; f < FIELDS; f++) {
      long h = FeatureHash.mix(seed + 0x5DEECE66DL * (((long) f << 32) | values[f]));
      z += linearScale * (2 * unit(h) - 1);
      for (int k = 0; k < LATENT; k++) {
        h = FeatureHash.mix(h + 0x9E3779B97F4A7C15L);
        double v = interactionScale * (2 * unit(h) - 1);
        sum[k] += v;
        squares += v * v;
      }
    }
    if (interactions) {
      // Σ_{f<g} ⟨u_f, u_g⟩ = (|Σ u_f|² - Σ |u_f|²) / 2
      double dot = 0;
      for (int k = 0; k < LATENT; k++) {
        dot += sum[k] * sum[k];
      }
      z += (dot - squares) / 2;
    }
    return z;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** Per-call scratch: a row's random state and values, reused across rows. */
  private static final class Sampler {
    final int[] values = new int[FIELDS];
    final double[] latentSum = new double[LATENT];
    long state;

    /** SplitMix64 step. */
    long next() {
      state += 0x9E3779B97F4A7C15L;
      return FeatureHash.mix(state);
    }
  }

  /** A double uniform in [0, 1) from the top 53 bits. */
  private static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }
}
