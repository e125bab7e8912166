package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeBookkeepingTest {
  @TempDir
  Path dir;

  private UploadState state(String server, String path) {
    return new UploadState(server, path, 5L << 30, 1_700_000_000_000L, "ab".repeat(32), "up_1",
        "clicks", "libsvm");
  }

  @Test
  void stateRoundTripsAndIsKeyedByServerAndFile() {
    UploadStateStore store = new UploadStateStore(dir.resolve("uploads"));
    UploadState s = state("http://a:8080", "/data/x.libsvm");
    store.save(s);
    assertEquals(s, store.find("http://a:8080", "/data/x.libsvm").orElseThrow());
    assertTrue(store.find("http://b:8080", "/data/x.libsvm").isEmpty());
    assertTrue(store.find("http://a:8080", "/data/y.libsvm").isEmpty());
    store.delete("http://a:8080", "/data/x.libsvm");
    assertTrue(store.find("http://a:8080", "/data/x.libsvm").isEmpty());
  }

  @Test
  void saveReplacesAtomicallyAndLeavesNoTempFiles() throws IOException {
    UploadStateStore store = new UploadStateStore(dir);
    store.save(state("s", "/f"));
    UploadState second = new UploadState("s", "/f", 1, 2, "cd".repeat(32), "up_2", "n", "csv");
    store.save(second);
    assertEquals("up_2", store.find("s", "/f").orElseThrow().uploadId());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void unreadableStateIsForgotten() throws IOException {
    UploadStateStore store = new UploadStateStore(dir);
    store.save(state("s", "/f"));
    Path file = store.fileFor("s", "/f");
    Files.writeString(file, "{\"server\": \"s\", \"pa", StandardCharsets.UTF_8);
    assertTrue(store.find("s", "/f").isEmpty());
    assertFalse(Files.exists(file));
  }

  @Test
  void aChangedFileIsNotResumed() {
    UploadState s = state("s", "/f");
    assertTrue(s.sameFile(5L << 30, 1_700_000_000_000L));
    assertFalse(s.sameFile(5L << 30, 1_700_000_000_001L));
    assertFalse(s.sameFile((5L << 30) + 1, 1_700_000_000_000L));
    assertTrue(s.sameRequest("clicks", "libsvm"));
    assertFalse(s.sameRequest("clicks", "csv"));
  }

  @Test
  void chunksCoverTheFileExactly() {
    long size = 20L << 20;
    int chunk = 8 << 20;
    assertEquals(chunk, Chunks.length(0, size, chunk));
    assertEquals(4 << 20, Chunks.length(16L << 20, size, chunk));
    assertEquals(0, Chunks.length(size, size, chunk));
    assertThrows(IllegalArgumentException.class, () -> Chunks.length(size + 1, size, chunk));
    assertEquals("bytes 0-8388607/20971520", Chunks.contentRange(0, chunk, size));
    assertEquals("bytes 16777216-20971519/20971520", Chunks.contentRange(16L << 20, 4 << 20, size));
  }

  @Test
  void chunksNeverExceedTheServersLimit() {
    assertEquals(8 << 20, Chunks.fit(8 << 20, Json.parseLenient("{\"maxChunkBytes\":67108864}")));
    assertEquals(1 << 20, Chunks.fit(8 << 20, Json.parseLenient("{\"maxChunkBytes\":1048576}")));
    assertEquals(8 << 20, Chunks.fit(8 << 20, Json.parseLenient("{}")));
  }

  @Test
  void chunkDigestIsRfc9530Crc32cBigEndian() {
    // CRC32C("123456789") is the standard check value 0xE3069283
    byte[] buf = "123456789XXXX".getBytes(StandardCharsets.US_ASCII);
    assertEquals("crc32c=:4waSgw==:", Chunks.contentDigest(buf, 9));
  }

  @Test
  void receivedComesFromTheUploadOrTheConflictProblem() {
    assertEquals(16, Chunks.received(Json.parseLenient("{\"received\":16}"), 100));
    assertEquals(-1, Chunks.received(Json.parseLenient("{\"code\":\"upload_offset_mismatch\"}"), 100));
    ApiException e = assertThrows(ApiException.class,
        () -> Chunks.received(Json.parseLenient("{\"received\":101}"), 100));
    assertTrue(e.getMessage().contains("101"), e.getMessage());
  }
}
