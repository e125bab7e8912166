package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ParsersTest {
  @Test
  void parsesRowsWithAndWithoutLabels() {
    CsrBlock b = Parsers.parse(new StringReader("1 3:1 4:0.5\n7:2\n"), Format.LIBSVM, 0);
    assertEquals(2, b.rows);
    assertArrayEquals(new float[] {1, 0}, b.labels);
    assertArrayEquals(new long[] {3, 4, 7}, b.keys);
    assertArrayEquals(new float[] {1, 0.5f, 2}, b.values);
  }

  @Test
  void hashesLikeIngest() {
    CsrBlock b = Parsers.parse(new StringReader("0:1:1 1:99:1"), Format.LIBFFM, 20);
    assertArrayEquals(new long[] {FeatureHash.bucket(1, 20), FeatureHash.bucket(99, 20)}, b.keys);
    assertArrayEquals(new int[] {0, 1}, b.fields);
  }

  @Test
  void reportsBadLinesLikeIngest() {
    IngestException e = assertThrows(IngestException.class,
        () -> Parsers.parse(new StringReader("1 3:1\n1 3:x\n"), Format.LIBSVM, 0));
    assertEquals(new BadLine(2, 5, "value \"x\" is not a finite number", "1 3:x"), e.badLines().get(0));
    assertThrows(IngestException.class, () -> Parsers.parse(new StringReader(" \n"), Format.LIBSVM, 0));
    assertThrows(IllegalArgumentException.class, () -> Parsers.parse(new StringReader("1 1:1"), Format.LIBSVM, 41));
  }

  @Test
  void streamsBlocksAndCountsUnlabelledRows() throws java.io.IOException {
    byte[] text = "1 1:1\n2:1\n0 3:1\n4:1\n1 5:1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write(text);
    }
    java.util.List<CsrBlock> blocks = new java.util.ArrayList<>();
    Parsers.Summary s = Parsers.forEachBlock(new java.io.ByteArrayInputStream(gz.toByteArray()), Format.LIBSVM, 0, 2,
        blocks::add);
    assertEquals(new Parsers.Summary(5, 2), s);
    assertEquals(3, blocks.size());
    assertArrayEquals(new long[] {1, 2}, blocks.get(0).keys);
    assertArrayEquals(new float[] {1, 0}, blocks.get(0).labels);
    assertArrayEquals(new long[] {5}, blocks.get(2).keys);
  }

  @Test
  void formatNamesAreCaseInsensitive() {
    assertEquals(Format.LIBSVM, Format.parse("libsvm"));
    assertEquals(Format.LIBFFM, Format.parse("LibFFM"));
    assertEquals(Format.CSV, Format.parse(" CSV "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Format.parse("parquet"));
    assertEquals("unknown format \"parquet\"; expected one of libsvm, libffm, csv", e.getMessage());
  }
}
