package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestOptions;
import trainyard.engine.data.synth.CtrGenerator;

/**
 * A dataset larger than the heap trains: 400,000 rows of 39 entries are 125 MB as in-memory
 * blocks (8-byte keys), and the trainer runs in a JVM with {@code -Xmx96m}, for two epochs, with
 * the default cache budget (none: the estimate exceeds the heap) and with one far over the heap.
 * Loading the data whole, as the trainer did before streaming, fails there with OutOfMemoryError.
 */
class BoundedMemoryTest {
  static final int ROWS = 400_000;

  @TempDir
  Path dir;

  @Test
  void aDatasetLargerThanTheHeapTrainsInAForkedJvm() throws Exception {
    Path text = dir.resolve("ctr.libsvm");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(text), 1 << 20)) {
      new CtrGenerator(3, 16, 1.1, -1.0, 0.5, 0.6).writeLibsvm(out, 0, ROWS);
    }
    DatasetStats stats;
    try (InputStream in = Files.newInputStream(text)) {
      stats = Ingest.ingest(in, Format.LIBSVM, dir.resolve("ds"), IngestOptions.defaults().withRowsPerShard(4096));
    }
    Files.delete(text);
    assertEquals(ROWS, stats.rows());
    assertTrue(stats.nonZeros() * 8 > 96L << 20, "the data must not fit the heap: " + stats);

    // As sized by MemoryEstimate the heap leaves no room to cache; with a cache budget far over the
    // heap, the collector must drop cached blocks (soft references) rather than fail.
    for (String cache : new String[] {"-Dtrainyard.engine.data.cacheBytes=-1", "-Dtrainyard.engine.data.cacheBytes=1000000000"}) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-Xmx96m", cache, "-cp", System.getProperty("java.class.path"),
          BoundedTrainMain.class.getName(), dir.resolve("ds").toString(), "2", "2")
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
      System.out.println(cache + "\n" + output);
      assertEquals(0, p.exitValue(), cache + "\n" + output);
      List<String> lines = output.lines().toList();
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("metrics=") && l.contains("val_auc")), output);
    }
  }
}
