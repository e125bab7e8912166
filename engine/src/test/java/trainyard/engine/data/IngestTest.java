package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest {
  @TempDir
  Path tmp;

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(String s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private IngestException failure(String input, Format format) {
    Path dir = tmp.resolve("bad");
    IngestException e = assertThrows(IngestException.class,
        () -> Ingest.ingest(text(input), format, dir, IngestOptions.defaults()));
    assertFalse(Files.exists(dir));
    return e;
  }

  @Test
  void libsvmRoundTripsThroughShards() throws IOException {
    String input = "1 3:0.5 10:1 7:2\n"
        + "0 3:1\r\n"
        + "\n"
        + "# a comment line\n"
        + "-1 1:1e-3 2:-4 # trailing comment\n"
        + "+1\n"
        + "0.5\t5:1\t9223372036854775807:3";
    Path dir = tmp.resolve("ds");
    DatasetStats stats = Ingest.ingest(text(input), Format.LIBSVM, dir,
        IngestOptions.defaults().withRowsPerShard(2));
    assertEquals(5, stats.rows());
    assertEquals(8, stats.nonZeros());
    assertEquals(7, stats.features());
    assertEquals(3, stats.positives());
    assertEquals(2, stats.negatives());
    assertEquals(3, stats.shards());
    assertEquals(0, stats.hashBits());
    assertFalse(stats.hasFields());
    assertEquals(64, stats.checksum().length());
    assertEquals(Long.MAX_VALUE, stats.maxFeatureId());
    assertEquals(0, stats.classes(), "-1 and 0.5 are not class indexes");

    ShardedDataset ds = ShardedDataset.open(dir);
    assertEquals(stats, ds.stats());
    assertEquals(3, ds.shardCount());
    assertTrue(ds.featuresExact());
    long bytes = 0;
    for (int i = 0; i < 3; i++) {
      bytes += Files.size(dir.resolve(DatasetManifest.shardName(i)));
    }
    assertEquals(bytes, stats.bytes());

    CsrBlock a = ds.shard(0);
    assertEquals(2, a.rows);
    assertArrayEquals(new int[] {0, 3, 4}, a.rowStart);
    assertArrayEquals(new long[] {3, 10, 7, 3}, a.keys);
    assertArrayEquals(new float[] {0.5f, 1, 2, 1}, a.values);
    assertArrayEquals(new float[] {1, 0}, a.labels);
    assertNull(a.fields);

    CsrBlock b = ds.shard(1);
    assertArrayEquals(new int[] {0, 2, 2}, b.rowStart);
    assertArrayEquals(new long[] {1, 2}, b.keys);
    assertArrayEquals(new float[] {1e-3f, -4}, b.values);
    assertArrayEquals(new float[] {-1, 1}, b.labels);

    CsrBlock c = ds.shard(2);
    assertArrayEquals(new long[] {5, Long.MAX_VALUE}, c.keys);
    assertArrayEquals(new float[] {1, 3}, c.values);
    assertArrayEquals(new float[] {0.5f}, c.labels);
    assertEquals(List.of("dataset.json", "shard-00000.bin", "shard-00001.bin", "shard-00002.bin"), listing(dir));
    assertEquals(List.of("ds"), listing(tmp));
  }

  /** What a dense model needs to know before it reads the data: the largest id and the classes. */
  @Test
  void theLargestFeatureIdAndTheClassesAreCounted() throws IOException {
    DatasetStats stats = Ingest.ingest(text("2 1:1 1048576:1\n0 5:1\n1\n"), Format.LIBSVM, tmp.resolve("a"),
        IngestOptions.defaults().withRowsPerShard(1));
    assertEquals(1L << 20, stats.maxFeatureId());
    assertEquals(3, stats.classes());
    assertEquals(stats, ShardedDataset.open(tmp.resolve("a")).stats());
    DatasetStats noEntries = Ingest.ingest(text("0\n"), Format.LIBSVM, tmp.resolve("b"), IngestOptions.defaults());
    assertEquals(-1, noEntries.maxFeatureId());
    assertEquals(1, noEntries.classes());
  }

  /** A dataset.json written before the shape was counted reads as "unknown" (-1), not as 0. */
  @Test
  void aManifestWithoutTheShapeSaysUnknown() throws IOException {
    Path dir = tmp.resolve("old");
    Ingest.ingest(text("1 3:1\n"), Format.LIBSVM, dir, IngestOptions.defaults());
    Path json = dir.resolve("dataset.json");
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var root = mapper.readTree(json.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("stats")).remove(List.of("maxFeatureId", "classes"));
    mapper.writeValue(json.toFile(), root);
    DatasetStats stats = ShardedDataset.open(dir).stats();
    assertEquals(-1, stats.maxFeatureId());
    assertEquals(-1, stats.classes());
    assertEquals(1, stats.rows());
  }

  @Test
  void aCsvReadAsLibsvmSaysWhatItLooksLike() {
    IngestException e = failure("label,a,b\n1,0.5,2\n", Format.LIBSVM);
    assertEquals("label \"label,a,b\" is not a finite number; the line has commas: if the file is CSV, say so "
        + "(format=csv)", e.badLines().get(0).reason());
  }

  @Test
  void controlCharactersInBadLinesAreShownAsReplacementCharacters() {
    IngestException e = failure("1 1:1\n\u0000\u0001x\t1:1\n", Format.LIBSVM);
    assertEquals(new BadLine(2, 1, "label \"\uFFFD\uFFFDx\" is not a finite number", "\uFFFD\uFFFDx\t1:1"),
        e.badLines().get(0));
  }

  @Test
  void valuesAreOmittedWhenAllOneAndKeysBelow2To32TakeFourBytes() throws IOException {
    Path dir = tmp.resolve("ones");
    Ingest.ingest(text("1 1:1 2:1\n0 4294967295:1.0\n"), Format.LIBSVM, dir, IngestOptions.defaults());
    CsrBlock block = ShardedDataset.open(dir).shard(0);
    assertNull(block.values);
    assertEquals(1f, block.value(2));
    assertArrayEquals(new long[] {1, 2, 4294967295L}, block.keys);
    // header 24 + rowStart 12 + keys 12 + labels 8 + crc 4
    assertEquals(60, Files.size(dir.resolve("shard-00000.bin")));
  }

  @Test
  void libffmKeepsFields() throws IOException {
    Path dir = tmp.resolve("ffm");
    DatasetStats stats = Ingest.ingest(text("1 0:5:1 1:9:0.25\n0 2:5:1\n"), Format.LIBFFM, dir, IngestOptions.defaults());
    assertTrue(stats.hasFields());
    assertEquals(2, stats.features());
    CsrBlock block = ShardedDataset.open(dir).shard(0);
    assertArrayEquals(new int[] {0, 1, 2}, block.fields);
    assertArrayEquals(new long[] {5, 9, 5}, block.keys);
    assertArrayEquals(new float[] {1, 0.25f, 1}, block.values);
  }

  @Test
  void csvUsesTheLabelColumnAndColumnIndexKeys() throws IOException {
    Path dir = tmp.resolve("csv");
    String input = "f0, \"label\" ,f2,f3\n0.5,1,0,2\n,0,3,\n";
    DatasetStats stats = Ingest.ingest(text(input), Format.CSV, dir, IngestOptions.defaults());
    assertEquals(2, stats.rows());
    assertEquals(1, stats.positives());
    CsrBlock block = ShardedDataset.open(dir).shard(0);
    assertArrayEquals(new int[] {0, 2, 3}, block.rowStart);
    assertArrayEquals(new long[] {0, 3, 2}, block.keys);
    assertArrayEquals(new float[] {0.5f, 2, 3}, block.values);
    assertArrayEquals(new float[] {1, 0}, block.labels);
  }

  @Test
  void aByteOrderMarkIsSkipped() throws IOException {
    Path dir = tmp.resolve("bom");
    Ingest.ingest(text("\uFEFFlabel,a\n1,2\n"), Format.CSV, dir, IngestOptions.defaults());
    CsrBlock block = ShardedDataset.open(dir).shard(0);
    assertArrayEquals(new long[] {1}, block.keys);
    assertArrayEquals(new float[] {1}, block.labels);
    Path gz = tmp.resolve("bom-gz");
    Ingest.ingest(new ByteArrayInputStream(gzip("\uFEFF1 3:1\n")), Format.LIBSVM, gz, IngestOptions.defaults());
    assertArrayEquals(new long[] {3}, ShardedDataset.open(gz).shard(0).keys);
  }

  @Test
  void csvWithoutALabelColumnTakesTheFirst() throws IOException {
    Path dir = tmp.resolve("csv1");
    Ingest.ingest(text("y,a,b\n1,2,3\n"), Format.CSV, dir, IngestOptions.defaults());
    CsrBlock block = ShardedDataset.open(dir).shard(0);
    assertArrayEquals(new long[] {1, 2}, block.keys);
    assertArrayEquals(new float[] {1}, block.labels);
  }

  @Test
  void gzipIsDetectedByItsMagicBytes() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      s.append(i % 2).append(' ').append(i).append(":1 ").append(i + 1).append(":0.5\n");
    }
    Path plain = tmp.resolve("plain");
    Path zipped = tmp.resolve("zipped");
    DatasetStats a = Ingest.ingest(text(s.toString()), Format.LIBSVM, plain, IngestOptions.defaults());
    DatasetStats b = Ingest.ingest(new ByteArrayInputStream(gzip(s.toString())), Format.LIBSVM, zipped,
        IngestOptions.defaults());
    assertEquals(a, b);
    assertEquals(1000, b.rows());
    assertEquals(1001, b.features());
  }

  @Test
  void corruptGzipFailsCleanly() throws IOException {
    byte[] gz = gzip("1 1:1\n".repeat(10_000));
    byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
    Path dir = tmp.resolve("cut");
    IngestException e = assertThrows(IngestException.class,
        () -> Ingest.ingest(new ByteArrayInputStream(cut), Format.LIBSVM, dir, IngestOptions.defaults()));
    assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    assertFalse(Files.exists(dir));
    assertEquals(List.of(), listing(tmp));
  }

  @Test
  void badLinesNameLineColumnAndReason() {
    String input = "1 1:1\n"
        + "x 2:1\n"
        + "0 3:1 4\n"
        + "1 a:1\n"
        + "1 5:1 6:zz\n"
        + "1 -3:1\n"
        + "1 7:1\n";
    IngestException e = failure(input, Format.LIBSVM);
    List<BadLine> bad = e.badLines();
    assertEquals(5, bad.size());
    assertEquals(new BadLine(2, 1, "label \"x\" is not a finite number", "x 2:1"), bad.get(0));
    assertEquals(new BadLine(3, 7, "expected id:value, got \"4\"", "0 3:1 4"), bad.get(1));
    assertEquals(new BadLine(4, 3, "feature id \"a\" is not an integer in 0..2^63-1", "1 a:1"), bad.get(2));
    assertEquals(new BadLine(5, 9, "value \"zz\" is not a finite number", "1 5:1 6:zz"), bad.get(3));
    assertEquals(3, bad.get(4).column());
    assertEquals(6, bad.get(4).line());
    assertEquals("line 2, column 1: label \"x\" is not a finite number (and 4 more bad lines)", e.getMessage());
  }

  @Test
  void stopsAtMaxBadLines() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      s.append("1 q:1\n");
    }
    Path dir = tmp.resolve("many");
    IngestException e = assertThrows(IngestException.class, () -> Ingest.ingest(text(s.toString()), Format.LIBSVM,
        dir, new IngestOptions(0, 10, 3)));
    assertEquals(3, e.badLines().size());
    assertEquals(3, e.badLines().get(2).line());
  }

  @Test
  void badLineAfterManyShardsLeavesNothing() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      s.append("1 ").append(i).append(":1\n");
    }
    s.append("1 1:1:1\n");
    IngestException e = failure(s.toString().replace("1 1:1:1", "1 1:1:1"), Format.LIBSVM);
    assertEquals(501, e.badLines().get(0).line());
    assertEquals(List.of(), listing(tmp));
  }

  @Test
  void longBadLinesAreCut() {
    String line = "1 " + "1:1 ".repeat(200) + "oops";
    BadLine bad = failure(line + "\n", Format.LIBSVM).badLines().get(0);
    assertEquals(200, bad.text().length());
    assertEquals(line.length() - 3, bad.column());
  }

  @Test
  void libffmAndCsvErrors() {
    BadLine ffm = failure("1 0:1:1 2:3\n", Format.LIBFFM).badLines().get(0);
    assertEquals(9, ffm.column());
    assertTrue(ffm.reason().startsWith("expected field:id:value"), ffm.reason());
    BadLine csv = failure("label,a,b\n1,2\n", Format.CSV).badLines().get(0);
    assertEquals(2, csv.line());
    assertEquals("expected 3 columns as in the header, got 2", csv.reason());
    BadLine cell = failure("label,a,b\n1,2,x3\n", Format.CSV).badLines().get(0);
    assertEquals(5, cell.column());
    assertEquals(1, failure("label\n1\n", Format.CSV).badLines().get(0).line());
    assertTrue(failure("", Format.CSV).getMessage().contains("header"));
  }

  @Test
  void emptyInputIsAnError() {
    assertEquals("line 0: the input has no rows", failure("\n\n# nothing\n", Format.LIBSVM).getMessage());
  }

  @Test
  void refusesAnExistingDirectory() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("exists"));
    assertThrows(FileAlreadyExistsException.class,
        () -> Ingest.ingest(text("1 1:1\n"), Format.LIBSVM, dir, IngestOptions.defaults()));
  }

  @Test
  void hashesIdsIntoTheSpace() throws IOException {
    Path dir = tmp.resolve("hashed");
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      s.append("1 ").append(i * 1_000_003L).append(":1\n");
    }
    DatasetStats stats = Ingest.ingest(text(s.toString()), Format.LIBSVM, dir, IngestOptions.defaults().withHashBits(4));
    assertEquals(4, stats.hashBits());
    assertEquals(16, stats.features());
    CsrBlock block = ShardedDataset.open(dir).shard(0);
    for (int i = 0; i < block.nonZeros(); i++) {
      assertTrue(block.keys[i] >= 0 && block.keys[i] < 16);
      assertEquals(FeatureHash.bucket(i * 1_000_003L, 4), block.keys[i]);
    }
  }

  @Test
  void aFailingStreamLeavesNothing() throws IOException {
    byte[] row = "1 4:1\n".getBytes(StandardCharsets.US_ASCII);
    InputStream failing = new InputStream() {
      private int served;

      @Override
      public int read() throws IOException {
        if (served > 100_000) {
          throw new IOException("connection reset by peer");
        }
        return row[served++ % row.length];
      }
    };
    Path dir = tmp.resolve("cut-off");
    IOException e = assertThrows(IOException.class, () -> Ingest.ingest(failing, Format.LIBSVM, dir,
        IngestOptions.defaults().withRowsPerShard(1000)));
    assertEquals("connection reset by peer", e.getMessage());
    assertFalse(Files.exists(dir));
    assertEquals(List.of(), listing(tmp));
  }

  @Test
  void inputsOfManyChunksComeBackInOrder() throws IOException {
    // about 12 MB: three of the parallel reader's 4 MiB chunks, cut mid-line
    trainyard.engine.data.synth.CtrGenerator gen = new trainyard.engine.data.synth.CtrGenerator(11);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    gen.writeLibffm(out, 0, 25_000);
    Path dir = tmp.resolve("big");
    DatasetStats stats = Ingest.ingest(new ByteArrayInputStream(out.toByteArray()), Format.LIBFFM, dir,
        IngestOptions.defaults().withRowsPerShard(7_000));
    assertEquals(25_000, stats.rows());
    assertEquals(4, stats.shards());
    ShardedDataset ds = ShardedDataset.open(dir);
    CsrBlock made = gen.block(0, 25_000);
    int row = 0;
    for (int i = 0; i < ds.shardCount(); i++) {
      CsrBlock b = ds.shard(i);
      int e0 = made.rowStart[row];
      assertArrayEquals(java.util.Arrays.copyOfRange(made.keys, e0, e0 + b.nonZeros()), b.keys);
      assertArrayEquals(java.util.Arrays.copyOfRange(made.fields, e0, e0 + b.nonZeros()), b.fields);
      assertArrayEquals(java.util.Arrays.copyOfRange(made.labels, row, row + b.rows), b.labels);
      row += b.rows;
    }
  }

  @Test
  void checksumMismatchIsDetected() throws IOException {
    Path dir = tmp.resolve("flip");
    Ingest.ingest(text("1 1:1 2:0.5\n0 3:1\n"), Format.LIBSVM, dir, IngestOptions.defaults());
    Path shard = dir.resolve("shard-00000.bin");
    try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
      f.seek(40);
      int b = f.read();
      f.seek(40);
      f.write(b ^ 0x10);
    }
    ShardedDataset ds = ShardedDataset.open(dir);
    CorruptShardException e = assertThrows(CorruptShardException.class, () -> ds.shard(0));
    assertTrue(e.getMessage().contains("shard-00000.bin is corrupt: checksum mismatch"), e.getMessage());
  }

  @Test
  void truncatedOrMissingShardsAreDetectedAtOpen() throws IOException {
    Path dir = tmp.resolve("cut");
    Ingest.ingest(text("1 1:1\n0 3:1\n"), Format.LIBSVM, dir, IngestOptions.defaults().withRowsPerShard(1));
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("shard-00001.bin").toFile(), "rw")) {
      f.setLength(f.length() - 1);
    }
    CorruptShardException e = assertThrows(CorruptShardException.class, () -> ShardedDataset.open(dir));
    assertTrue(e.getMessage().contains("shard-00001.bin is corrupt"), e.getMessage());
    Files.delete(dir.resolve("shard-00001.bin"));
    assertTrue(assertThrows(CorruptShardException.class, () -> ShardedDataset.open(dir)).getMessage().contains("missing"));
    Files.delete(dir.resolve("dataset.json"));
    assertNotNull(assertThrows(CorruptShardException.class, () -> ShardedDataset.open(dir)).getMessage());
  }
}
