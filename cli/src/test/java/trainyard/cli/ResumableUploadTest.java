package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side of docs/UPLOAD-PROTOCOL.md: interrupted uploads resume and send each byte
 * once; broken connections are retried; a chunk the server stored but never confirmed is not
 * sent twice; a changed file, a forgotten upload or a bad checksum start over cleanly.
 */
class ResumableUploadTest {
  private static final int CHUNK = 64 * 1024;

  @TempDir
  Path tmp;

  private UploadProtocolServer server;
  private byte[] content;
  private Path file;

  @BeforeEach
  void start() throws IOException {
    server = new UploadProtocolServer();
    content = new byte[10 * CHUNK + 123];
    new Random(11).nextBytes(content);
    file = tmp.resolve("data.libsvm");
    Files.write(file, content);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CliRun upload(String... extra) {
    String[] args = new String[4 + extra.length];
    args[0] = "datasets";
    args[1] = "upload";
    args[2] = file.toString();
    args[3] = "--chunk-size=" + CHUNK;
    System.arraycopy(extra, 0, args, 4, extra.length);
    return CliRun.of(Map.of("TRAINYARD_URL", server.url(), "TRAINYARD_TOKEN", UploadProtocolServer.TOKEN,
        "TRAINYARD_HOME", tmp.resolve("home").toString()), args);
  }

  private long stateFiles() throws IOException {
    Path dir = tmp.resolve("home/uploads");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  private byte[] onlyDataset() {
    assertEquals(1, server.datasets.size(), "datasets on the server");
    return server.datasets.values().iterator().next();
  }

  @Test
  void uploadsInChunksAndWaitsForReady() throws IOException {
    CliRun r = upload();
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(content, onlyDataset());
    assertEquals(11, server.puts.get());
    assertTrue(r.out().contains("READY"), r.out());
    // no pass over the whole file before the first chunk: its SHA-256 went with the completion
    assertTrue(!r.err().contains("checksum") && r.err().contains("100%"), r.err());
    assertTrue(server.uploads.get("up_1").sha256.isEmpty(), "created without a SHA-256");
    assertEquals(0, stateFiles(), "no state left once done");
  }

  @Test
  void anInterruptedUploadResumesAndSendsEachByteOnce() throws IOException {
    CliRun cut = upload("--stop-after=" + 4 * CHUNK);
    assertEquals(ExitCode.CONNECTION, cut.exit());
    assertTrue(cut.err().contains("run the same command again"), cut.err());
    assertEquals(1, stateFiles());
    assertEquals(4L * CHUNK, server.bytesPut.get());

    CliRun resumed = upload();
    assertEquals(0, resumed.exit(), resumed.err());
    assertTrue(resumed.err().contains("resuming upload up_1 at 256.0 KiB"), resumed.err());
    assertEquals(content.length, server.bytesPut.get(), "no byte sent twice");
    assertArrayEquals(content, onlyDataset());
    assertEquals(0, stateFiles());
  }

  @Test
  void aBrokenConnectionIsRetriedInProcess() {
    server.dropPut = 3;
    CliRun r = upload();
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(content, onlyDataset());
    assertEquals(12, server.puts.get(), "the dropped chunk is sent once more");
  }

  @Test
  void aChunkRefusedWith503IsSentAgainAfterAPause() {
    server.unavailablePut = 4;
    CliRun r = upload();
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(content, onlyDataset());
    assertEquals(12, server.puts.get(), "the refused chunk is sent once more");
  }

  @Test
  void waitingForTheDatasetOutlastsA503() {
    server.unavailableDatasetGets.set(2);
    CliRun r = upload();
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(content, onlyDataset());
  }

  @Test
  void aChunkStoredButNotConfirmedIsNotSentAgain() {
    server.dropAnswerOfPut = 5;
    CliRun r = upload();
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(content, onlyDataset());
    assertEquals(content.length, server.bytesPut.get(), "after the lost answer the client asks, then goes on");
  }

  @Test
  void aChangedFileStartsOverAndAbandonsTheOldUpload() throws IOException {
    assertEquals(ExitCode.CONNECTION, upload("--stop-after=" + 2 * CHUNK).exit());
    content[0] ^= 1;
    Files.write(file, content);
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
    CliRun r = upload();
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("the file changed"), r.err());
    assertEquals(1, server.deletes.get(), "the old upload is deleted");
    assertArrayEquals(content, onlyDataset());
  }

  @Test
  void anUploadTheServerForgotStartsOver() {
    assertEquals(ExitCode.CONNECTION, upload("--stop-after=" + 2 * CHUNK).exit());
    server.uploads.clear();
    CliRun r = upload();
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("gone from the server"), r.err());
    assertArrayEquals(content, onlyDataset());
  }

  @Test
  void anUploadThatExpiredOnTheServerStartsOver() {
    assertEquals(ExitCode.CONNECTION, upload("--stop-after=" + 2 * CHUNK).exit());
    server.uploads.values().forEach(u -> u.status = "EXPIRED");
    CliRun r = upload();
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("gone from the server (it expired)"), r.err());
    assertArrayEquals(content, onlyDataset());
  }

  @Test
  void aChecksumMismatchFailsAndForgetsTheUpload() throws IOException {
    server.corrupt = true;
    CliRun r = upload();
    assertEquals(ExitCode.API, r.exit());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: ")).count(), r.err());
    assertTrue(r.err().contains("upload_checksum_mismatch") && r.err().contains("afresh"), r.err());
    assertEquals(0, stateFiles());
    server.corrupt = false;
    assertEquals(0, upload().exit());
  }

  @Test
  void aServerWithoutResumableUploadsGetsOneRequest() {
    server.noUploadApi = true;
    CliRun r = upload();
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("cannot resume"), r.err());
    assertArrayEquals(content, onlyDataset());
  }

  @Test
  void aSmallFileGoesInOneRequest() throws IOException {
    Files.writeString(file, "1 1:1\n0 2:1\n");
    CliRun r = CliRun.of(Map.of("TRAINYARD_URL", server.url(), "TRAINYARD_TOKEN", UploadProtocolServer.TOKEN,
        "TRAINYARD_HOME", tmp.resolve("home").toString()), "--output", "json", "datasets", "upload", file.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(0, server.puts.get());
    assertTrue(r.out().contains("\"READY\""), r.out());
  }
}
