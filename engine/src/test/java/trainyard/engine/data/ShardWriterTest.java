package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Direct and ordinary writes give the same bytes, across buffer flushes and odd tail sizes. */
class ShardWriterTest {
  @TempDir Path dir;

  @Test
  void directAndOrdinaryWritesAgree() throws IOException {
    ShardFile.Writer direct = new ShardFile.Writer(true);
    ShardFile.Writer ordinary = new ShardFile.Writer(false);
    SplittableRandom random = new SplittableRandom(3);
    for (int rows : new int[] {1, 3, 1000, 70_000}) {
      CsrBuilder b = new CsrBuilder(false);
      for (int r = 0; r < rows; r++) {
        int entries = 1 + random.nextInt(9);
        for (int e = 0; e < entries; e++) {
          b.add(rows == 1000 ? random.nextLong() >>> 1 : random.nextInt(1 << 30), random.nextInt(4) == 0 ? 1f : random.nextFloat());
        }
        b.endRow(random.nextInt(2));
      }
      Path a = dir.resolve("direct-" + rows);
      Path o = dir.resolve("ordinary-" + rows);
      ShardFile.Written wa = direct.write(a, b);
      ShardFile.Written wo = ordinary.write(o, b);
      assertEquals(wo, wa);
      assertEquals(wo.bytes(), Files.size(a));
      assertArrayEquals(Files.readAllBytes(o), Files.readAllBytes(a));
      CsrBlock back = ShardFile.read(a);
      assertEquals(rows, back.rows);
      assertArrayEquals(java.util.Arrays.copyOf(b.keys, b.nonZeros()), back.keys);
    }
  }
}
