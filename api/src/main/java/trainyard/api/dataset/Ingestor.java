package trainyard.api.dataset;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.JsonText;
import trainyard.api.platform.TrainyardConfig;
import trainyard.api.problem.ApiException;
import trainyard.api.problem.DiskFull;
import trainyard.api.problem.Problem;
import trainyard.engine.data.BadLine;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestException;
import trainyard.engine.data.IngestOptions;
import trainyard.engine.io.Durable;
import trainyard.engine.io.FileTrees;

/**
 * Turns uploads into the engine's shards: UPLOADED → INGESTING → READY, or FAILED with the first
 * bad lines. A file that arrived by the resumable protocol is ingested from data/uploads on a
 * small pool of threads and deleted afterwards; a streamed upload is ingested on its request's
 * thread while the body arrives ({@link #ingestStream}). Both take an {@link IngestPermits}
 * permit. The engine writes shards to a temporary directory and renames it when done, so a
 * failed ingest leaves nothing usable. Thread-safe.
 */
@ApplicationScoped
public class Ingestor {
  private static final Logger LOG = Logger.getLogger(Ingestor.class);
  static final String STREAM_CUT = "the server stopped while the file was uploading; upload it again";
  static final String RAW_GONE =
      "the raw upload is gone (the server stopped during ingestion and lost it); upload the file again";

  private final BlobStore blobs;
  private final Clock clock;
  private final IngestPermits permits;
  private final ExecutorService pool;
  /** Streamed uploads in progress in this process: not to be resumed as if left over. */
  private final Set<String> streaming = ConcurrentHashMap.newKeySet();

  @Inject
  public Ingestor(BlobStore blobs, Clock clock, TrainyardConfig config, IngestPermits permits) {
    this.blobs = blobs;
    this.clock = clock;
    this.permits = permits;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(config.upload().ingestThreads(), r -> {
      Thread t = new Thread(r, "trainyard-ingest-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** How long a {@link TailIngest} waits for the next chunk before it gives up. */
  static final long TAIL_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** An ingestion of resumable upload {@code uploadId} while it arrives; the caller starts it. */
  public TailIngest tail(String uploadId, Format format, int hashBits) {
    return new TailIngest(uploadId, blobs.upload(uploadId), format, hashBits, blobs.uploadShards(uploadId), permits,
        TAIL_IDLE_NANOS, System::nanoTime);
  }

  /**
   * Ends dataset {@code id} (a completed upload that a {@link TailIngest} read while it arrived)
   * with the tail's result: its shards move into place and the row becomes READY, or FAILED
   * with the bad lines. The raw file goes once the row says so; if the server stops before,
   * the next start ingests the file again.
   */
  void finishTail(String id, TailIngest.Result r, long uploadBytes) {
    try {
      if (r.stats() != null) {
        Path dir = blobs.dataset(id);
        FileTrees.deleteRecursively(dir);
        Files.move(r.shards(), dir, StandardCopyOption.ATOMIC_MOVE);
        Durable.syncDirectory(dir.getParent());
        ready(id, r.stats(), uploadBytes);
        LOG.infof("dataset %s READY: %d rows, %d features, %d bytes, ingested while it was uploaded", id,
            r.stats().rows(), r.stats().features(), uploadBytes);
      } else {
        failWith(id, r.error(), uploadBytes);
      }
      Files.deleteIfExists(blobs.upload(id));
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "cannot record the ingestion of dataset %s; the next start ingests it again", id);
    }
  }

  public void submit(String datasetId) {
    pool.execute(() -> ingest(datasetId));
  }

  /**
   * Queues again the datasets a previous run left UPLOADED or INGESTING; one without a raw
   * upload (a streamed upload cut off by the stop, or a lost file) is marked FAILED.
   */
  public void resumeUnfinished() {
    deleteTailLeftovers();
    List<String> ids = QuarkusTransaction.requiringNew().call(() -> {
      List<String> out = new ArrayList<>();
      for (DatasetRow row : DatasetRow.<DatasetRow>list("status in ?1",
          List.of(DatasetStatus.UPLOADED.name(), DatasetStatus.INGESTING.name()))) {
        out.add(row.id);
      }
      return out;
    });
    for (String id : ids) {
      LOG.infof("resuming the ingestion of dataset %s", id);
      submit(id);
    }
  }

  /** Shards of uploads that a previous run was ingesting while they arrived: only that run could use them. */
  private void deleteTailLeftovers() {
    Path uploads = blobs.uploads();
    try (var entries = Files.newDirectoryStream(uploads, "*.shards*")) {
      for (Path p : entries) {
        FileTrees.deleteRecursively(p);
      }
    } catch (IOException e) {
      LOG.warnf("cannot delete the shards a previous run left in %s: %s", uploads, e.getMessage());
    }
  }

  private void ingest(String id) {
    try {
      permits.acquire();
    } catch (RuntimeException e) {
      return; // stopping
    }
    try {
      ingestFile(id);
    } finally {
      permits.release();
    }
  }

  private void ingestFile(String id) {
    if (streaming.contains(id)) {
      return; // arriving right now on a request of this process
    }
    DatasetRow start = QuarkusTransaction.requiringNew().call(() -> {
      DatasetRow row = DatasetRow.findById(id);
      if (row == null || !(DatasetStatus.UPLOADED.name().equals(row.status)
          || DatasetStatus.INGESTING.name().equals(row.status))) {
        return null;
      }
      row.status = DatasetStatus.INGESTING.name();
      row.updatedAt = clock.instant();
      return row;
    });
    if (start == null) {
      return;
    }
    Path part = blobs.upload(id);
    Path dir = blobs.dataset(id);
    try {
      if (!Files.exists(part)) {
        FileTrees.deleteRecursively(dir); // shards of a streamed upload whose READY was never committed
        // a streamed upload's row has uploadBytes 0 until its body has ended
        fail(id, start.uploadBytes == 0 ? STREAM_CUT : RAW_GONE, null, start.uploadBytes);
        return;
      }
      FileTrees.deleteRecursively(dir); // left by a run that stopped between rename and commit
      long t0 = System.nanoTime();
      DatasetStats stats;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(part), 1 << 20)) {
        stats = Ingest.ingest(in, Format.parse(start.format), dir, options(start.hashBits));
      }
      ready(id, stats, start.uploadBytes);
      LOG.infof("dataset %s READY: %d rows, %d features, %d bytes in %d ms", id, stats.rows(),
          stats.features(), start.uploadBytes, (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      failWith(id, e, start.uploadBytes);
    } finally {
      try {
        Files.deleteIfExists(part);
      } catch (IOException e) {
        LOG.warnf("cannot delete the raw upload %s: %s", part, e.getMessage());
      }
    }
  }

  /** Marks {@code id} as arriving on a request of this process (before its row is committed). */
  void streamStarts(String id) {
    streaming.add(id);
  }

  void streamEnds(String id) {
    streaming.remove(id);
  }

  /**
   * Ingests a streamed upload whose row is committed INGESTING, on the caller's thread, while
   * the body arrives; the caller holds a permit. Returns the READY dataset. Throws the answer for
   * the client otherwise: 422 {@code ingest_failed} for bad data (the row is FAILED with the first
   * bad lines); for a broken body (too large, client gone) the row is deleted and the answer is
   * 413 or 400; 500 when the server failed (the row is FAILED with the reason).
   */
  DatasetView ingestStream(String id, Format format, int hashBits, UploadBody body) {
    long t0 = System.nanoTime();
    DatasetStats stats;
    try {
      stats = Ingest.ingest(body, format, blobs.dataset(id), options(hashBits));
    } catch (IOException | RuntimeException e) {
      body.detach(); // the engine's reader thread may still be in a read
      throw streamFailed(id, body, e);
    }
    DatasetView view = ready(id, stats, body.count());
    LOG.infof("dataset %s READY: %d rows, %d features, %d bytes streamed and ingested in %d ms", id,
        stats.rows(), stats.features(), body.count(), (System.nanoTime() - t0) / 1_000_000);
    return view;
  }

  private ApiException streamFailed(String id, UploadBody body, Exception e) {
    if (!body.broken() && e instanceof IngestException bad) {
      try {
        body.drain(); // the client is still sending: let it finish, so that it reads the answer
      } catch (IOException drainFailed) {
        // broken after all: handled below
      }
      if (!body.broken()) {
        fail(id, bad.getMessage(), bad.badLines(), body.count());
        return ingestFailed(id, bad);
      }
    }
    if (body.broken()) {
      discard(id);
      LOG.infof("streamed upload of dataset %s broke off after %d bytes: %s", id, body.count(), e.getMessage());
      return body.brokenAnswer();
    }
    LOG.errorf(e, "ingestion of streamed dataset %s failed", id);
    fail(id, "ingestion failed: " + e.getMessage(), null, body.count());
    if (DiskFull.causedBy(e)) {
      return new ApiException(DiskFull.problem("dataset " + id + " is FAILED and nothing of it is kept")
          .with("datasetId", id));
    }
    return new ApiException(Problem.of(500, "ingest_error", "Internal error",
        "the server failed to ingest the upload; dataset " + id + " is FAILED and the reason is in the server's log")
        .with("datasetId", id));
  }

  /**
   * Deletes the row of a streamed upload that broke off: it never was a dataset. If the database
   * is gone too (the server is stopping), the row stays INGESTING and the next start fails it.
   */
  private void discard(String id) {
    try {
      QuarkusTransaction.requiringNew().run(() -> DatasetRow.deleteById(id));
    } catch (RuntimeException e) {
      LOG.warnf("cannot delete the row of the broken upload %s (%s); the next start marks it FAILED", id,
          e.getMessage());
    }
  }

  static IngestOptions options(Integer hashBits) {
    return IngestOptions.defaults().withHashBits(hashBits == null ? 0 : hashBits);
  }

  private DatasetView ready(String id, DatasetStats s, long uploadBytes) {
    return QuarkusTransaction.requiringNew().call(() -> {
      DatasetRow row = DatasetRow.findById(id);
      row.status = DatasetStatus.READY.name();
      row.statusReason = null;
      row.uploadBytes = uploadBytes;
      row.rows = s.rows();
      row.features = s.features();
      row.nonZeros = s.nonZeros();
      row.positives = s.positives();
      row.negatives = s.negatives();
      row.bytes = s.bytes();
      row.shards = s.shards();
      row.hashBits = s.hashBits();
      row.hasFields = s.hasFields();
      row.checksum = s.checksum();
      row.maxFeatureId = s.maxFeatureId();
      row.classes = s.classes();
      row.updatedAt = clock.instant();
      row.readyAt = row.updatedAt;
      return DatasetView.of(row);
    });
  }

  /** Records the dataset FAILED for what ended its ingestion: bad lines, or a failure of the server. */
  private void failWith(String id, Exception e, long uploadBytes) {
    if (e instanceof IngestException bad) {
      fail(id, bad.getMessage(), bad.badLines(), uploadBytes);
    } else {
      LOG.errorf(e, "ingestion of dataset %s failed", id);
      fail(id, "ingestion failed: " + e.getMessage(), null, uploadBytes);
    }
  }

  /** Records the dataset FAILED; returns the bad lines as the API shows them, or null. */
  private List<Map<String, Object>> fail(String id, String reason, List<BadLine> badLines, long uploadBytes) {
    List<Map<String, Object>> bad = badLines(badLines);
    String badJson = bad == null ? null : JsonText.write(bad);
    QuarkusTransaction.requiringNew().run(() -> {
      DatasetRow row = DatasetRow.findById(id);
      row.status = DatasetStatus.FAILED.name();
      row.statusReason = reason;
      row.badLines = badJson;
      row.uploadBytes = uploadBytes;
      row.updatedAt = clock.instant();
    });
    return bad;
  }

  /** 422 {@code ingest_failed}: the file of dataset {@code id} (now FAILED) has bad lines. */
  public static ApiException ingestFailed(String id, IngestException bad) {
    List<Map<String, Object>> lines = badLines(bad.badLines());
    return new ApiException(Problem.of(422, "ingest_failed", "Ingestion failed", bad.getMessage())
        .with("datasetId", id).with("badLines", lines == null ? List.of() : lines));
  }

  /** The bad lines as the API shows them, or null. */
  private static List<Map<String, Object>> badLines(List<BadLine> badLines) {
    if (badLines == null) {
      return null;
    }
    List<Map<String, Object>> bad = new ArrayList<>();
    for (BadLine b : badLines) {
      bad.add(Map.of("line", b.line(), "column", b.column(), "reason", b.reason(), "text", b.text()));
    }
    return bad;
  }

  @PreDestroy
  void stop() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
