package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteNumbersTest {
  private static float f(String s) {
    byte[] b = ("xx" + s + "yy").getBytes(StandardCharsets.US_ASCII);
    return ByteNumbers.parseFloat(b, 2, b.length - 2);
  }

  /** Float.parseFloat, with overflow as NaN: ByteNumbers reads finite floats only. */
  private static float expected(String s) {
    float v = Float.parseFloat(s);
    return Float.isInfinite(v) ? Float.NaN : v;
  }

  private static long id(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return ByteNumbers.parseId(b, 0, b.length);
  }

  @Test
  void readsDecimalsLikeParseFloat() {
    String[] samples = {"0", "1", "-1", "+1", "0.5", ".25", "3.", "1e3", "1E-3", "-2.5e+2", "0.000123",
        "123456789012", "3.4028235e38", "1.4e-45", "0.1", "1234567.875", "9.999999e-11", "12345678901234567890"};
    for (String s : samples) {
      assertEquals(Float.parseFloat(s), f(s), s);
    }
  }

  @Test
  void shortDecimalsAreCorrectlyRounded() {
    Random r = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      int digits = 1 + r.nextInt(7);
      long m = (long) (r.nextDouble() * Math.pow(10, digits));
      int scale = r.nextInt(21) - 10;
      String s = m + "e" + scale;
      assertEquals(Float.parseFloat(s), f(s), s);
      String plain = new java.math.BigDecimal(java.math.BigInteger.valueOf(m), r.nextInt(8)).toPlainString();
      assertEquals(Float.parseFloat(plain), f(plain), plain);
    }
  }

  @Test
  void longDecimalsAreCorrectlyRoundedToo() {
    Random r = new Random(11);
    for (int i = 0; i < 300_000; i++) {
      // what pandas and Java write for doubles: 15 to 17 significant digits, now and then an exponent
      String repr = Double.toString((r.nextDouble() - 0.3) * Math.pow(10, r.nextInt(16) - 8));
      assertEquals(expected(repr), f(repr), repr);
      // up to 22 digits, so some are cut past the 18th
      StringBuilder digits = new StringBuilder().append(1 + r.nextInt(9));
      for (int d = r.nextInt(22); d > 0; d--) {
        digits.append(r.nextInt(10));
      }
      String cut = new java.math.BigDecimal(new java.math.BigInteger(digits.toString()), r.nextInt(41) - 20).toString();
      assertEquals(expected(cut), f(cut), cut);
    }
  }

  @Test
  void decimalsAtAndBesideFloatRoundingBoundariesAreRoundedAsParseFloatDoes() {
    Random r = new Random(13);
    java.math.BigDecimal tiny = new java.math.BigDecimal("1e-30");
    for (int i = 0; i < 50_000; i++) {
      float x = Float.intBitsToFloat(0x3c000000 + r.nextInt(0x10000000)); // 0.0078 .. 2^25
      java.math.BigDecimal mid = new java.math.BigDecimal(((double) x + Math.nextUp(x)) / 2);
      for (java.math.BigDecimal d : new java.math.BigDecimal[] {mid, mid.add(tiny), mid.subtract(tiny),
          mid.round(new java.math.MathContext(17)), mid.round(new java.math.MathContext(18))}) {
        String s = d.toPlainString();
        assertEquals(expected(s), f(s), s);
      }
    }
  }

  @Test
  void rejectsWhatIsNotAFiniteDecimal() {
    for (String s : new String[] {"", "-", ".", "e5", "1e", "1.2.3", "abc", "1x", "NaN", "Infinity", "1e39", "0x10", "1f", "--1"}) {
      assertTrue(Float.isNaN(f(s)), s);
    }
  }

  @Test
  void readsIds() {
    assertEquals(0, id("0"));
    assertEquals(Long.MAX_VALUE, id("9223372036854775807"));
    assertEquals(ByteNumbers.NOT_AN_ID, id("9223372036854775808"));
    assertEquals(ByteNumbers.NOT_AN_ID, id("-1"));
    assertEquals(ByteNumbers.NOT_AN_ID, id(""));
    assertEquals(ByteNumbers.NOT_AN_ID, id("12a"));
    assertEquals(ByteNumbers.NOT_AN_ID, id("99999999999999999999"));
  }
}
