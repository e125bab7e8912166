package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Direct and ordinary writes give the same bytes, across buffer flushes and odd tail sizes; reads give them back. */
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
      assertReadsBack(b, ShardFile.read(a));
    }
  }

  private static void assertReadsBack(CsrBuilder written, CsrBlock back) {
    CsrBlock b = written.build();
    assertEquals(b.rows, back.rows);
    assertArrayEquals(b.rowStart, back.rowStart);
    assertArrayEquals(b.keys, back.keys);
    assertArrayEquals(b.values, back.values);
    assertArrayEquals(b.labels, back.labels);
  }

  /**
   * A thread reads every shard through one chunk buffer: a shard of many chunks, whose 8-byte keys
   * straddle the chunks' ends (rows + 1 is odd, so the keys start 4 bytes off), then a small one
   * read whole and alone, whose flipped byte is still found.
   */
  @Test
  void oneThreadReadsShardsOfAnySizeInTurn() throws IOException {
    ShardFile.Writer writer = new ShardFile.Writer(false);
    Path large = dir.resolve("large");
    Path small = dir.resolve("small");
    CsrBuilder big = new CsrBuilder(false);
    for (int r = 0; r < 100_000; r++) {
      big.add((1L << 40) + r, 1f);
      big.add(r + 7, 0.25f * (r % 5));
      big.endRow(r % 2);
    }
    CsrBuilder little = new CsrBuilder(false);
    little.add(3, 2f);
    little.endRow(1);
    writer.write(large, big);
    writer.write(small, little);
    assertReadsBack(big, ShardFile.read(large));
    assertReadsBack(little, ShardFile.read(small));
    assertReadsBack(big, ShardFile.read(large));
    byte[] bytes = Files.readAllBytes(small);
    bytes[bytes.length - 9] ^= 1;
    Files.write(small, bytes);
    CorruptShardException e = org.junit.jupiter.api.Assertions.assertThrows(CorruptShardException.class,
        () -> ShardFile.read(small));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }
}
