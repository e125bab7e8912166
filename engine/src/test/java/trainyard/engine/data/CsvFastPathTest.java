package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CSV fast path must give exactly the checked parser's row, or decline: random lines of cells
 * the fast path reads (short decimals, empty cells, zeros) mixed with every shape it must leave to
 * the checked parser (spaces, exponents, long decimals, text, a stray CR, a wrong number of cells).
 */
class CsvFastPathTest {
  private static final String[] CELLS = {"1", "0", "-0", "3.25", "-1.5", "+2", ".5", "5.", "1234567", "0.000001",
      "", "", "12345678", "1.2345678", "7.417869892607294", "1e3", "-2.5E-2", " 4", "4 ", "x", "-", ".", "1..2", "\"3\"",
      "1\r2", "1e39", "0x1"};
  private static final String[] HEADERS = {"label,a,b,c", "a,label,b,c", "a,b,c,LABEL", "x,y,z,w"};

  @Test
  void agreesWithTheCheckedParser() {
    SplittableRandom random = new SplittableRandom(3);
    int fast = 0;
    for (int trial = 0; trial < 30_000; trial++) {
      String header = HEADERS[random.nextInt(HEADERS.length)];
      StringBuilder line = new StringBuilder();
      int cells = random.nextInt(10) == 0 ? 3 + random.nextInt(3) : 4;
      for (int c = 0; c < cells; c++) {
        line.append(c == 0 ? "" : ",").append(random.nextInt(3) == 0 ? CELLS[random.nextInt(CELLS.length)]
            : CELLS[random.nextInt(10)]);
      }
      String eol = random.nextInt(5) == 0 ? "\r\n" : "\n";
      for (int hashBits : new int[] {0, 20}) {
        byte[] text = (line + eol).getBytes(StandardCharsets.US_ASCII);
        byte[] padded = Arrays.copyOf(text, text.length + 16);
        CsrBuilder viaFast = new CsrBuilder(false);
        int next = parser(header, hashBits).parseFast(padded, 0, viaFast);
        CsrBuilder checked = new CsrBuilder(false);
        int r = parser(header, hashBits).parse(text, 0, line.length(), checked);
        if (next == RowParser.DECLINED) {
          continue;
        }
        fast++;
        assertEquals(text.length, next, line.toString());
        assertEquals(RowParser.ROW, r, "the checked parser rejects a line the fast path took: " + line);
        assertEquals(1, viaFast.rows(), line.toString());
        assertEquals(Float.floatToRawIntBits(checked.labels[0]), Float.floatToRawIntBits(viaFast.labels[0]),
            line.toString());
        assertArrayEquals(Arrays.copyOf(checked.keys, checked.nonZeros()),
            Arrays.copyOf(viaFast.keys, viaFast.nonZeros()), line.toString());
        for (int i = 0; i < checked.nonZeros(); i++) {
          assertEquals(Float.floatToRawIntBits(checked.values[i]), Float.floatToRawIntBits(viaFast.values[i]),
              line.toString());
        }
      }
    }
    assertTrue(fast > 10_000, "the fast path took only " + fast + " lines");
  }

  private static CsvParser parser(String header, int hashBits) {
    CsvParser p = new CsvParser(hashBits);
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    assertTrue(p.header(h, 0, h.length));
    return p;
  }
}
