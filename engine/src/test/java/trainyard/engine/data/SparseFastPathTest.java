package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The line fast path (libsvm and libffm) must give exactly the checked parser's rows, or decline:
 * random lines mixing plain tokens with every shape the fast path must decline or read with care.
 */
class SparseFastPathTest {
  private static final String[] IDS = {"0", "7", "007", "12345678", "123456789", "99999999999999999",
      "123456789012345678", "1234567890123456789", "", "-3", "1a", "4294967296"};
  private static final String[] VALUES = {"1", "0", "-1", "+2", "1.5", "0.001", "3.", ".25", "1234567", "12345678",
      "1.234567", "1.2345678", "0.0000001", "-0", "1e3", "2.5E-2", "x", "", "1.", "00001.0", "9999999", "1..2",
      "12.34.5", "-.5", "inf"};
  private static final String[] FIELDS = {"0", "3", "07", "1234567", "12345678", "2147483647", "2147483648", "",
      "-1", "x"};
  private static final String[] LABELS = {"1", "0", "-1", "+1", "0.5", "3", "1e0", "abc", "", "2:1"};
  private static final String[] GAPS = {" ", " ", " ", "  ", "\t", " \t "};

  @Test
  void libsvmAgreesWithTheCheckedParser() {
    agreesWithTheCheckedParser(false);
  }

  @Test
  void libffmAgreesWithTheCheckedParser() {
    agreesWithTheCheckedParser(true);
  }

  private static void agreesWithTheCheckedParser(boolean fielded) {
    SplittableRandom random = new SplittableRandom(7);
    int fast = 0;
    for (int trial = 0; trial < 20_000; trial++) {
      String line = randomLine(random, fielded);
      for (int hashBits : new int[] {0, 20}) {
        byte[] text = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] padded = Arrays.copyOf(text, text.length + 16);
        CsrBuilder viaFast = new CsrBuilder(fielded);
        int next = parser(fielded, hashBits).parseFast(padded, 0, viaFast);
        CsrBuilder checked = new CsrBuilder(fielded);
        int end = text.length - 1 - (line.endsWith("\r") ? 1 : 0);
        int r = parser(fielded, hashBits).parse(text, 0, end, checked);
        if (next == RowParser.DECLINED) {
          continue;
        }
        fast++;
        assertEquals(text.length, next, line);
        assertEquals(RowParser.ROW, r, "the checked parser rejects a line the fast path took: " + line);
        assertEquals(checked.rows(), viaFast.rows(), line);
        assertEquals(checked.labels[0], viaFast.labels[0], line);
        assertArrayEquals(Arrays.copyOf(checked.keys, checked.nonZeros()), Arrays.copyOf(viaFast.keys, viaFast.nonZeros()),
            line);
        if (fielded) {
          assertArrayEquals(Arrays.copyOf(checked.fields, checked.nonZeros()),
              Arrays.copyOf(viaFast.fields, viaFast.nonZeros()), line);
        }
        for (int i = 0; i < checked.nonZeros(); i++) {
          assertEquals(Float.floatToRawIntBits(checked.values[i]), Float.floatToRawIntBits(viaFast.values[i]), line);
        }
      }
    }
    assertTrue(fast > 5_000, "the fast path took only " + fast + " lines");
  }

  private static SparseLineParser parser(boolean fielded, int hashBits) {
    return fielded ? new LibffmParser(hashBits, false) : new LibsvmParser(hashBits, false);
  }

  @Test
  void takesLibffmLines() {
    byte[] b = "1 0:3:1 12:17:0.25\n".getBytes(StandardCharsets.US_ASCII);
    CsrBuilder out = new CsrBuilder(true);
    assertEquals(b.length, new LibffmParser(0, false).parseFast(Arrays.copyOf(b, b.length + 16), 0, out));
    assertArrayEquals(new int[] {0, 12}, Arrays.copyOf(out.fields, out.nonZeros()));
    assertArrayEquals(new long[] {3, 17}, Arrays.copyOf(out.keys, out.nonZeros()));
    assertArrayEquals(new float[] {1, 0.25f}, Arrays.copyOf(out.values, out.nonZeros()));
  }

  @Test
  void takesPlainLinesAndLinesWithCrlf() {
    byte[] b = "1 3:1 17:0.25 123456789:2\r\n0\t5:1\n".getBytes(StandardCharsets.US_ASCII);
    byte[] padded = Arrays.copyOf(b, b.length + 16);
    CsrBuilder out = new CsrBuilder(false);
    LibsvmParser p = new LibsvmParser(0, false);
    int second = p.parseFast(padded, 0, out);
    assertEquals(27, second);
    assertEquals(b.length, p.parseFast(padded, second, out));
    assertArrayEquals(new long[] {3, 17, 123456789, 5}, Arrays.copyOf(out.keys, out.nonZeros()));
    assertArrayEquals(new float[] {1, 0.25f, 2, 1}, Arrays.copyOf(out.values, out.nonZeros()));
    assertArrayEquals(new float[] {1, 0}, Arrays.copyOf(out.labels, out.rows()));
  }

  private static String randomLine(SplittableRandom random, boolean fielded) {
    StringBuilder s = new StringBuilder();
    boolean odd = random.nextInt(4) == 0;
    s.append(odd ? pick(random, LABELS) : random.nextBoolean() ? "1" : "0");
    int tokens = random.nextInt(12);
    for (int t = 0; t < tokens; t++) {
      s.append(pick(random, GAPS));
      boolean oddToken = odd && random.nextInt(3) == 0;
      String id = oddToken ? pick(random, IDS) : Integer.toString(random.nextInt(3_000_000));
      String value = oddToken ? pick(random, VALUES) : random.nextBoolean() ? "1"
          : Integer.toString(random.nextInt(1000)) + "." + Integer.toString(random.nextInt(100));
      if (fielded) {
        s.append(oddToken ? pick(random, FIELDS) : Integer.toString(random.nextInt(40)))
            .append(random.nextInt(50) == 0 ? "" : ":");
      }
      s.append(id).append(random.nextInt(50) == 0 ? "" : ":").append(value);
    }
    if (random.nextInt(10) == 0) {
      s.append(pick(random, GAPS));
    }
    if (random.nextInt(20) == 0) {
      s.append(" # a comment");
    }
    if (random.nextInt(10) == 0) {
      s.append('\r');
    }
    return s.toString();
  }

  private static String pick(SplittableRandom random, String[] options) {
    return options[random.nextInt(options.length)];
  }
}
