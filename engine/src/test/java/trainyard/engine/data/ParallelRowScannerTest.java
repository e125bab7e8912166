package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.synth.CtrGenerator;

/** The parallel scanner must give exactly what the sequential one gives: rows, blocks, line numbers. */
class ParallelRowScannerTest {
  private record Drained(List<CsrBlock> blocks, List<BadLine> bad, long unlabelled) {}

  private static Drained drain(RowSource source, int maxRows, boolean withFields) throws IOException {
    List<CsrBlock> blocks = new ArrayList<>();
    try (source) {
      CsrBuilder b = new CsrBuilder(withFields, 4, 8);
      boolean ended;
      do {
        b.clear();
        ended = source.fill(b, maxRows, 1000);
        if (b.rows() > 0) {
          blocks.add(b.build());
        }
      } while (!ended);
      return new Drained(blocks, List.copyOf(source.badLines()), source.unlabelledRows());
    }
  }

  private static void assertSame(String text, Format format, boolean labelOptional) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    boolean withFields = format == Format.LIBFFM;
    for (int maxRows : new int[] {1, 3, 1000}) {
      Drained expected = drain(new RowScanner(new ByteArrayInputStream(bytes), false,
          RowParser.of(format, 0, labelOptional), 4), maxRows, withFields);
      for (int chunk : new int[] {1, 7, 64, 1 << 16}) {
        for (int threads : new int[] {2, 3}) {
          Drained actual = drain(new ParallelRowScanner(new ByteArrayInputStream(bytes), false,
              RowParser.of(format, 0, labelOptional), 4, threads, chunk), maxRows, withFields);
          String where = format + " chunk " + chunk + " threads " + threads + " maxRows " + maxRows;
          assertEquals(expected.bad(), actual.bad(), where);
          assertEquals(expected.unlabelled() > 0, actual.unlabelled() > 0, where);
          if (!expected.bad().isEmpty()) {
            continue; // rows delivered before a bad line are unspecified: the caller fails
          }
          assertEquals(expected.blocks().size(), actual.blocks().size(), where);
          for (int i = 0; i < expected.blocks().size(); i++) {
            CsrBlock e = expected.blocks().get(i);
            CsrBlock a = actual.blocks().get(i);
            assertArrayEquals(e.rowStart, a.rowStart, where);
            assertArrayEquals(e.keys, a.keys, where);
            assertArrayEquals(e.labels, a.labels, where);
            assertArrayEquals(e.fields, a.fields, where);
            for (int k = 0; k < e.nonZeros(); k++) {
              assertEquals(e.value(k), a.value(k), where);
            }
          }
        }
      }
    }
  }

  @Test
  void libsvmWithCommentsBlankLinesAndCrLf() throws IOException {
    assertSame("1 3:0.5 10:1\r\n\n# comment\n0 3:1\n-1 1:1e-3 2:-4 # c\n+1\n0.5 5:1 9:3", Format.LIBSVM, false);
  }

  @Test
  void generatedRowsAcrossManyChunks() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new CtrGenerator(3).writeLibffm(out, 0, 40);
    assertSame(out.toString(StandardCharsets.US_ASCII), Format.LIBFFM, false);
    out.reset();
    new CtrGenerator(3).writeLibsvm(out, 0, 40);
    assertSame(out.toString(StandardCharsets.US_ASCII), Format.LIBSVM, false);
  }

  @Test
  void badLinesKeepTheirLineNumbers() throws IOException {
    StringBuilder s = new StringBuilder();
    Random r = new Random(9);
    for (int i = 0; i < 60; i++) {
      s.append(r.nextInt(10) == 0 ? "1 x:1" : r.nextInt(2) + " " + r.nextInt(100) + ":1").append('\n');
    }
    assertSame(s.toString(), Format.LIBSVM, false);
    assertSame("1 1:1\n1 2:zz\n", Format.LIBSVM, false);
  }

  @Test
  void csvHeaderAndErrors() throws IOException {
    assertSame("\n \nf0,label,f2\n0.5,1,0\n,0,3\n2,1,1\n", Format.CSV, false);
    assertSame("label,a\n1,2\n1,2,3\n0,x\n", Format.CSV, false);
    assertSame("label\n1\n", Format.CSV, false);
    assertSame("", Format.CSV, false);
    assertSame("\n\n", Format.CSV, false);
  }

  @Test
  void optionalLabels() throws IOException {
    assertSame("5:1 9:1\n1 3:1\n4:2\n", Format.LIBSVM, true);
  }

  @Test
  void emptyInput() throws IOException {
    assertSame("", Format.LIBSVM, false);
    assertSame("\n\n\n", Format.LIBSVM, false);
  }

  @Test
  void corruptGzipIsABadLine() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write("1 1:1\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII));
    }
    byte[] cut = java.util.Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
    InputStream in = new GZIPInputStream(new ByteArrayInputStream(cut));
    Drained d = drain(new ParallelRowScanner(in, true, RowParser.of(Format.LIBSVM, 0, false), 4, 2, 1000), 100, false);
    assertEquals(1, d.bad().size());
    assertTrue(d.bad().get(0).reason().startsWith("the gzip input is corrupt"), d.bad().get(0).reason());
  }

  @Test
  void closingEarlyStopsTheThreads() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new CtrGenerator(3).writeLibsvm(out, 0, 2000);
    ParallelRowScanner s = new ParallelRowScanner(new ByteArrayInputStream(out.toByteArray()), false,
        RowParser.of(Format.LIBSVM, 0, false), 4, 2, 256);
    CsrBuilder b = new CsrBuilder(false);
    assertFalse(s.fill(b, 10, 1000));
    s.close();
    assertEquals(10, b.rows());
  }
}
