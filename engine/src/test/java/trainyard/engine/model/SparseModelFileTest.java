package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.KeyValues;

/**
 * A sparse model written shard by shard is, byte for byte, the file the whole model in the heap
 * saves: the same sections, keys ascending across shards, all-zero keys dropped.
 */
class SparseModelFileTest {
  private static final ModelInfo INFO = new ModelInfo("linear", 0, 0, "{}", "sum", 7, ModelInfo.ENGINE_VERSION);

  @TempDir
  Path dir;

  @Test
  void aLinearModelWrittenShardByShardIsTheFileOfTheWholeModel() throws IOException {
    for (int servers : new int[] {1, 3, 8}) {
      for (int n : new int[] {0, 1, 1000}) {
        Shards s = new Shards(new SplittableRandom(servers * 31L + n), n, 1, servers);
        Model streamed = SparseModelFile.write(dir.resolve("streamed.bin"), INFO, "logistic", 0, s.source());
        long[] keys = s.expected.keySet().stream().mapToLong(Long::longValue).toArray();
        float[] w = new float[keys.length];
        for (int i = 0; i < keys.length; i++) {
          w[i] = s.expected.get(keys[i])[0];
        }
        new LinearModel(INFO, Loss.of("logistic"), keys, w).save(dir.resolve("whole.bin"));
        assertSameFile(servers, n);
        assertEquals(keys.length, streamed.info().keys());
        assertEquals(keys.length, Model.load(dir.resolve("streamed.bin")).info().keys());
      }
    }
  }

  @Test
  void anFmWrittenShardByShardIsTheFileOfTheWholeModel() throws IOException {
    int dim = 4;
    ModelInfo info = new ModelInfo("fm", 0, 0, "{}", "sum", 7, ModelInfo.ENGINE_VERSION);
    for (int servers : new int[] {1, 5}) {
      Shards s = new Shards(new SplittableRandom(servers), 2000, 1 + dim, servers);
      Model streamed = SparseModelFile.write(dir.resolve("streamed.bin"), info, "logistic", dim, s.source());
      long[] keys = s.expected.keySet().stream().mapToLong(Long::longValue).toArray();
      float[] w = new float[keys.length];
      int[] embedded = new int[keys.length];
      float[] v = new float[keys.length * dim];
      int m = 0;
      for (int i = 0; i < keys.length; i++) {
        float[] values = s.expected.get(keys[i]);
        w[i] = values[0];
        if (values[1] != 0 || values[2] != 0 || values[3] != 0 || values[4] != 0) {
          System.arraycopy(values, 1, v, m * dim, dim);
          embedded[m++] = i;
        }
      }
      assertTrue(m > 0 && m < keys.length, "some keys with an embedding and some without: " + m);
      new FmModel(info.withKeys(keys.length), Loss.of("logistic"), dim, keys, w, Arrays.copyOf(embedded, m),
          Arrays.copyOf(v, m * dim)).save(dir.resolve("whole.bin"));
      assertSameFile(servers, 2000);
      FmModel loaded = (FmModel) Model.load(dir.resolve("streamed.bin"));
      assertEquals(m, loaded.embeddings());
      assertEquals(keys.length, streamed.info().keys());
    }
  }

  @Test
  void aStoredModelPredictsAndSavesAsTheFileItIsIn() throws IOException {
    Shards s = new Shards(new SplittableRandom(3), 500, 1, 2);
    Model streamed = SparseModelFile.write(dir.resolve("streamed.bin"), INFO, "logistic", 0, s.source());
    streamed.save(dir.resolve("copy.bin"));
    assertArrayEquals(Files.readAllBytes(dir.resolve("streamed.bin")), Files.readAllBytes(dir.resolve("copy.bin")));
    assertEquals("logistic", streamed.loss());
    assertEquals(1, streamed.outputs());
    try (var files = Files.list(dir)) {
      assertEquals(List.of("copy.bin", "streamed.bin"), files.map(f -> f.getFileName().toString()).sorted().toList(),
          "no spool or temporary file left");
    }
  }

  @Test
  void shardsOutOfKeyOrderAreRefused() {
    Shards s = new Shards(new SplittableRandom(5), 200, 1, 3);
    List<KeyValues> reversed = new ArrayList<>(s.source().shards());
    java.util.Collections.reverse(reversed);
    KeyValues backwards = KeyValues.of(1, reversed);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SparseModelFile.write(dir.resolve("m.bin"), INFO, "logistic", 0, backwards));
    assertTrue(e.getMessage().contains("ascending key ranges"), e.getMessage());
    assertTrue(!Files.exists(dir.resolve("m.bin")));
  }

  private void assertSameFile(int servers, int n) throws IOException {
    assertArrayEquals(Files.readAllBytes(dir.resolve("whole.bin")), Files.readAllBytes(dir.resolve("streamed.bin")),
        servers + " shards, " + n + " keys");
  }

  /** Random keys split by key range into shards, unsorted within each; a quarter of the keys all zero. */
  private static final class Shards {
    final TreeMap<Long, float[]> expected = new TreeMap<>();
    final List<long[]> keys = new ArrayList<>();
    final List<float[]> values = new ArrayList<>();
    final int width;

    Shards(SplittableRandom random, int n, int width, int servers) {
      this.width = width;
      KeyRanges ranges = KeyRanges.uniform(servers);
      List<List<Long>> byShard = new ArrayList<>();
      for (int s = 0; s < servers; s++) {
        byShard.add(new ArrayList<>());
      }
      long[] all = random.longs(n).toArray();
      for (long k : all) {
        byShard.get(ranges.owner(k)).add(k);
      }
      for (List<Long> shard : byShard) {
        long[] k = shard.stream().mapToLong(Long::longValue).toArray();
        float[] v = new float[k.length * width];
        for (int i = 0; i < k.length; i++) {
          boolean zero = random.nextInt(4) == 0;
          for (int j = 0; j < width; j++) {
            // half the live FM keys without an embedding
            boolean noEmbedding = j > 0 && (i & 1) == 0;
            v[i * width + j] = zero || noEmbedding ? 0f : (float) random.nextDouble() - 0.5f;
          }
          float[] row = Arrays.copyOfRange(v, i * width, (i + 1) * width);
          if (!zero) {
            expected.put(k[i], row);
          }
        }
        keys.add(k);
        values.add(v);
      }
    }

    KeyValues source() {
      List<KeyValues> parts = new ArrayList<>();
      for (int s = 0; s < keys.size(); s++) {
        parts.add(SparseExportTest.source(keys.get(s), values.get(s), width));
      }
      return KeyValues.of(width, parts);
    }
  }
}
