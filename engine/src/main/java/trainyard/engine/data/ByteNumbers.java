package trainyard.engine.data;

import java.nio.charset.StandardCharsets;

/**
 * Numbers read straight from bytes, without a String per token. Stateless and thread-safe.
 *
 * <p>Floats: a decimal with at most 15 significant digits and a decimal exponent within ±22 is
 * exact as a double after one multiplication or division by an exact power of ten (Clinger's fast
 * path), and one with at most 7 digits and exponent within ±10 is computed in float directly, so
 * both are correctly rounded; anything longer falls back to {@link Float#parseFloat}. The double
 * path rounds twice (decimal to double to float), which can differ from parseFloat in the last bit
 * for rare inputs with 8 to 15 significant digits.
 */
final class ByteNumbers {
  /** Returned by {@link #parseId} for text that is not a non-negative integer below 2^63. */
  static final long NOT_AN_ID = -1;

  private static final double[] POW10 = new double[23];
  static final float[] FPOW10 = new float[11];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
    float f = 1;
    for (int i = 0; i < FPOW10.length; i++) {
      FPOW10[i] = f;
      f *= 10;
    }
  }

  private ByteNumbers() {}

  /** Digits only; {@link #NOT_AN_ID} when empty, not all digits, or 2^63 or more. */
  static long parseId(byte[] b, int start, int end) {
    if (start >= end || end - start > 19) {
      return NOT_AN_ID;
    }
    long v = 0;
    for (int i = start; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return NOT_AN_ID;
      }
      v = v * 10 + d;
      if (v < 0) {
        return NOT_AN_ID;
      }
    }
    return v;
  }

  /** Digits only, below 2^31; -1 otherwise. */
  static int parseSmallInt(byte[] b, int start, int end) {
    long v = end - start > 10 ? NOT_AN_ID : parseId(b, start, end);
    return v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  /**
   * A finite float in decimal notation ({@code -1}, {@code +0.5}, {@code 3.}, {@code .25},
   * {@code 1e-3}); NaN when the text is anything else or overflows float.
   */
  static float parseFloat(byte[] b, int start, int end) {
    if (start >= end) {
      return Float.NaN;
    }
    int i = start;
    if (i < end && (b[i] == '-' || b[i] == '+')) {
      i++;
    }
    boolean negative = b[start] == '-';
    long mantissa = 0;
    int significant = 0;
    int exp10 = 0;
    boolean anyDigit = false;
    while (i < end) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      anyDigit = true;
      if (significant < 18) {
        mantissa = mantissa * 10 + d;
        if (mantissa != 0) {
          significant++;
        }
      } else {
        exp10++;
        significant++;
      }
      i++;
    }
    if (i < end && b[i] == '.') {
      i++;
      while (i < end) {
        int d = b[i] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        anyDigit = true;
        if (significant < 18) {
          mantissa = mantissa * 10 + d;
          if (mantissa != 0) {
            significant++;
          }
          exp10--;
        } else {
          significant++;
        }
        i++;
      }
    }
    if (!anyDigit) {
      return Float.NaN;
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      boolean expNegative = false;
      if (i < end && (b[i] == '-' || b[i] == '+')) {
        expNegative = b[i] == '-';
        i++;
      }
      int e = 0;
      boolean expDigit = false;
      while (i < end) {
        int d = b[i] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        expDigit = true;
        if (e < 100_000) {
          e = e * 10 + d;
        }
        i++;
      }
      if (!expDigit) {
        return Float.NaN;
      }
      exp10 += expNegative ? -e : e;
    }
    if (i != end) {
      return Float.NaN;
    }
    float result;
    if (mantissa == 0) {
      result = 0f;
    } else if (significant <= 7 && exp10 >= -10 && exp10 <= 10) {
      result = exp10 >= 0 ? mantissa * FPOW10[exp10] : mantissa / FPOW10[-exp10];
    } else if (significant <= 15 && exp10 >= -22 && exp10 <= 22) {
      result = (float) (exp10 >= 0 ? mantissa * POW10[exp10] : mantissa / POW10[-exp10]);
    } else {
      return slowParse(b, start, end);
    }
    if (Float.isInfinite(result)) {
      return Float.NaN;
    }
    return negative ? -result : result;
  }

  private static float slowParse(byte[] b, int start, int end) {
    float f = Float.parseFloat(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    return Float.isInfinite(f) ? Float.NaN : f;
  }
}
