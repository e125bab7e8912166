package trainyard.engine.data;

import java.nio.charset.StandardCharsets;

/**
 * Numbers read straight from bytes, without a String per token. Stateless and thread-safe.
 *
 * <p>Floats come out as {@link Float#parseFloat} gives them, correctly rounded. A decimal with at
 * most 7 digits and an exponent within ±10 is computed in float directly (both operands exact, one
 * rounding). Up to 18 significant digits (more are cut) with an exponent within ±22, it is computed
 * in double, within 2.3e-16 of the decimal, and rounded to float; that float is the decimal's own
 * unless the decimal may lie on the other side of a float rounding boundary, about one value in
 * 10^8, which goes to parseFloat, as does anything else. So a CSV of pandas' 17-digit floats reads
 * at about the speed of short ones, with no String per number.
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
    } else if (exp10 >= -22 && exp10 <= 22) {
      result = nearestFloat(mantissa, exp10);
      if (result != result) {
        return slowParse(b, start, end);
      }
    } else {
      return slowParse(b, start, end);
    }
    if (Float.isInfinite(result)) {
      return Float.NaN;
    }
    return negative ? -result : result;
  }

  /**
   * {@code mantissa * 10^exp10} (a decimal of at most 18 digits, possibly cut from a longer one)
   * rounded to float, or NaN where this cannot tell. In double the value carries at most 2.3e-16 of
   * relative error: 2^-53 from the mantissa (above 2^53), 2^-53 from the one multiplication or
   * division (powers of ten up to 10^22 are exact), 1e-17 from the cut digits. Rounded to float it
   * is the decimal's float when that whole error interval lies between the same two float
   * rounding boundaries (the midpoints to the neighbouring floats, exact in double).
   */
  private static float nearestFloat(long mantissa, int exp10) {
    double x = exp10 >= 0 ? mantissa * POW10[exp10] : mantissa / POW10[-exp10];
    float f = (float) x;
    if (Float.isInfinite(f) || f < Float.MIN_NORMAL) {
      return Float.NaN;
    }
    double slack = x * 1e-15;
    double above = ((double) f + Math.nextUp(f)) / 2;
    double below = ((double) f + Math.nextDown(f)) / 2;
    return x + slack < above && x - slack > below ? f : Float.NaN;
  }

  private static float slowParse(byte[] b, int start, int end) {
    float f = Float.parseFloat(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    return Float.isInfinite(f) ? Float.NaN : f;
  }
}
