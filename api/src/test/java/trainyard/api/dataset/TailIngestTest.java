package trainyard.api.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.api.demo.DemoData;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestException;

/** An ingestion that follows a file while it grows, and gives way when it should. */
class TailIngestTest {
  private static final long IDLE = TimeUnit.SECONDS.toNanos(60);
  private static final String TENANT = "t1";
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong();

  @Test
  void readsTheFileAsItGrowsAndMakesTheSameShardsAsOneIngestion() throws Exception {
    byte[] data = DemoData.libsvm(20_000, 200, 10, 3);
    Path file = dir.resolve("up.part");
    Files.createFile(file);
    IngestPermits permits = new IngestPermits(1, 1);
    TailIngest tail = tail(file, permits);
    tail.start(0);
    int step = data.length / 7;
    for (int at = 0; at < data.length; at += step) {
      int n = Math.min(step, data.length - at);
      Files.write(file, java.util.Arrays.copyOfRange(data, at, at + n), StandardOpenOption.APPEND);
      tail.advance(at + n);
      Thread.sleep(20);
    }
    assertTrue(tail.claim(data.length));
    Ingested r = result(tail);
    assertNotNull(r.stats(), () -> "failed: " + r.error());
    DatasetStats whole = Ingest.ingest(new ByteArrayInputStream(data), Format.LIBSVM, dir.resolve("whole"),
        Ingested.options(0));
    assertEquals(whole.rows(), r.stats().rows());
    assertEquals(whole.checksum(), r.stats().checksum(), "the same shards");
    assertTrue(Files.isDirectory(r.shards()));
    assertTrue(free(permits), "the permit is back");
  }

  @Test
  void aBadFileEndsWithItsBadLines() throws Exception {
    byte[] data = "1 3:1\n1 4:1\n0 oops\n".getBytes(StandardCharsets.US_ASCII);
    Path file = dir.resolve("up.part");
    Files.write(file, data);
    TailIngest tail = tail(file, new IngestPermits(1, 1));
    tail.start(data.length);
    assertTrue(tail.claim(data.length));
    Ingested r = result(tail);
    IngestException bad = assertInstanceOf(IngestException.class, r.error());
    assertEquals(3, bad.badLines().get(0).line());
    awaitTrue(this::noShards);
  }

  @Test
  void givesUpWhenNoChunkComesForTheIdleTime() throws Exception {
    Path file = dir.resolve("up.part");
    Files.write(file, "1 3:1\n".getBytes(StandardCharsets.US_ASCII));
    IngestPermits permits = new IngestPermits(1, 1);
    TailIngest tail = tail(file, permits);
    tail.start(6);
    Thread.sleep(300);
    assertFalse(tail.gaveUp());
    clock.addAndGet(IDLE + 1);
    awaitTrue(tail::gaveUp);
    assertFalse(tail.claim(6), "the upload is ingested another way");
    awaitTrue(() -> noShards());
    awaitTrue(() -> free(permits));
  }

  @Test
  void givesWayToAnotherIngestionWhileItWaitsForBytes() throws Exception {
    Path file = dir.resolve("up.part");
    Files.write(file, "1 3:1\n".getBytes(StandardCharsets.US_ASCII));
    IngestPermits permits = new IngestPermits(1, 1);
    TailIngest tail = tail(file, permits);
    tail.start(6);
    awaitTrue(() -> !free(permits));
    CompletableFuture<IngestPermits.Permit> other = permits.acquire(TENANT);
    assertEquals(1, permits.waiting());
    Thread.sleep(300);
    assertFalse(tail.gaveUp(), "not before the waiter has waited a second");
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1100));
    other.get(10, TimeUnit.SECONDS).release();
    assertTrue(tail.gaveUp());
  }

  @Test
  void keepsItsPermitWhileOnlyAnotherTenantWaitsForItsOwnShare() throws Exception {
    Path file = dir.resolve("up.part");
    Files.write(file, "1 3:1\n".getBytes(StandardCharsets.US_ASCII));
    IngestPermits permits = new IngestPermits(2, 1);
    IngestPermits.Permit otherHeld = permits.tryAcquire("other");
    TailIngest tail = tail(file, permits);
    tail.start(6);
    awaitTrue(() -> permits.running() == 2);
    CompletableFuture<IngestPermits.Permit> other = permits.acquire("other");
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1100));
    Thread.sleep(600);
    assertFalse(tail.gaveUp(), "the waiter needs its own tenant's permit, which the tail's release would not give");
    assertFalse(other.isDone());
    otherHeld.release();
    other.get(10, TimeUnit.SECONDS).release();
    tail.cancel();
  }

  @Test
  void cancelDeletesWhatItWrote() throws Exception {
    byte[] data = DemoData.libsvm(2_000, 50, 5, 4);
    Path file = dir.resolve("up.part");
    Files.write(file, data);
    TailIngest tail = tail(file, new IngestPermits(1, 1));
    tail.start(data.length);
    assertTrue(tail.claim(data.length));
    awaitTrue(() -> Files.isDirectory(dir.resolve("up.shards")));
    tail.cancel();
    awaitTrue(this::noShards);
  }

  /** Whether a permit is free for the tail's tenant (it stays free). */
  private static boolean free(IngestPermits permits) {
    IngestPermits.Permit p = permits.tryAcquire(TENANT);
    if (p != null) {
      p.release();
      return true;
    }
    return false;
  }

  private TailIngest tail(Path file, IngestPermits permits) {
    return new TailIngest("up", file, Format.LIBSVM, 0, dir.resolve("up.shards"), permits, TENANT, IDLE,
        clock::get);
  }

  private static Ingested result(TailIngest tail) throws Exception {
    CompletableFuture<Ingested> r = new CompletableFuture<>();
    tail.end(r::complete);
    return r.get(30, TimeUnit.SECONDS);
  }

  private boolean noShards() {
    try (var s = Files.list(dir)) {
      return s.noneMatch(p -> p.getFileName().toString().contains("shards"));
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}
