package trainyard.api.dataset;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.JsonText;
import trainyard.api.platform.TrainyardConfig;
import trainyard.api.problem.ApiException;
import trainyard.api.problem.Problem;
import trainyard.engine.data.BadLine;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.IngestException;
import trainyard.engine.io.DiskFull;
import trainyard.engine.io.Durable;
import trainyard.engine.io.FileTrees;

/**
 * The one owner of ingestion: every dataset, whichever way its file came, is ingested under an
 * {@link IngestPermits} permit by {@link Ingested#run} and ended by {@link #finish}, the one place
 * that makes it READY or FAILED (or, for a streamed body that broke off, no dataset at all) and
 * counts its bytes. The ways in:
 *
 * <ul>
 *   <li>a streamed upload ({@link #streamed}): waits for its tenant's permit as a future, so no
 *       thread waits, at most {@code trainyard.upload.ingest-wait} (then 429 {@code ingest_busy}),
 *       and is read on an ingest thread while the body arrives ({@link #ingestStream});
 *   <li>a completed resumable upload's file ({@link #submit}): waits as long as it takes, then is
 *       ingested from data/uploads on an ingest thread;
 *   <li>a resumable upload read while it arrived ({@link #tail}, {@link #finishTail}).
 * </ul>
 *
 * The engine writes shards to a temporary directory and renames it when done, so a failed
 * ingestion leaves nothing usable. Thread-safe.
 */
@ApplicationScoped
public class Ingestor {
  private static final Logger LOG = Logger.getLogger(Ingestor.class);
  static final String STREAM_CUT = "the server stopped while the file was uploading; upload it again";
  static final String RAW_GONE =
      "the raw upload is gone (the server stopped during ingestion and lost it); upload the file again";
  /** How long a {@link TailIngest} waits for the next chunk before it gives up. */
  static final long TAIL_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final BlobStore blobs;
  private final Clock clock;
  private final IngestPermits permits;
  private final Duration streamWait;
  /** Runs ingestions that hold a permit; as many threads as permits are held, no more. */
  private final ExecutorService pool;
  /** Streamed uploads in progress in this process: not to be resumed as if left over. */
  private final Set<String> streaming = ConcurrentHashMap.newKeySet();
  private final MeterRegistry meters;
  private final Timer granted;
  private final Timer timedOut;

  @Inject
  public Ingestor(BlobStore blobs, Clock clock, TrainyardConfig config, IngestPermits permits, MeterRegistry meters) {
    this.blobs = blobs;
    this.clock = clock;
    this.permits = permits;
    this.streamWait = config.upload().ingestWait();
    this.meters = meters;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "trainyard-ingest-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Gauge.builder("trainyard.ingest.waiting", permits, IngestPermits::waiting)
        .description("ingestions waiting for a permit").register(meters);
    Gauge.builder("trainyard.ingest.running", permits, IngestPermits::running)
        .description("ingestions holding a permit").register(meters);
    this.granted = waitTimer("granted");
    this.timedOut = waitTimer("timed_out");
  }

  private Timer waitTimer(String outcome) {
    return Timer.builder("trainyard.ingest.wait").tag("outcome", outcome)
        .description("how long ingestions waited for a permit").register(meters);
  }

  /**
   * Runs {@code task} on an ingest thread once {@code tenant} holds a permit, waiting at most
   * {@code trainyard.upload.ingest-wait}; the future fails with what the task threw, or 429
   * {@code ingest_busy} (with Retry-After) past the wait.
   */
  <T> CompletableFuture<T> streamed(String tenant, Supplier<T> task) {
    return withPermit(permits.acquire(tenant, streamWait), task);
  }

  /** Ingests dataset {@code id}'s raw file (a completed resumable upload) once {@code tenant} holds a permit. */
  public void submit(String tenant, String id) {
    withPermit(permits.acquire(tenant), () -> {
      ingestFile(id);
      return null;
    }).whenComplete((done, e) -> {
      if (e != null) {
        LOG.errorf(e, "cannot ingest dataset %s; the next start tries again", id);
      }
    });
  }

  /** An ingestion of resumable upload {@code uploadId} while it arrives; the caller starts it. */
  public TailIngest tail(String tenant, String uploadId, Format format, int hashBits) {
    return new TailIngest(uploadId, blobs.upload(uploadId), format, hashBits, blobs.uploadShards(uploadId), permits,
        tenant, TAIL_IDLE_NANOS, System::nanoTime);
  }

  /**
   * Completes a future with {@code task}'s result (or exception, not wrapped) run on an ingest
   * thread once {@code permit} comes; the permit goes back when the task ends.
   */
  private <T> CompletableFuture<T> withPermit(CompletableFuture<IngestPermits.Permit> permit, Supplier<T> task) {
    CompletableFuture<T> out = new CompletableFuture<>();
    long t0 = System.nanoTime();
    permit.whenComplete((p, waitFailed) -> {
      if (waitFailed != null) {
        timedOut.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        out.completeExceptionally(busy());
        return;
      }
      granted.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      try {
        pool.execute(() -> {
          try {
            out.complete(task.get());
          } catch (Throwable e) {
            out.completeExceptionally(e);
          } finally {
            p.release();
          }
        });
      } catch (RejectedExecutionException stopping) {
        p.release();
        out.completeExceptionally(new ApiException(503, "server_stopping", "Service unavailable",
            "the server is stopping; send the file again once it is back"));
      }
    });
    return out;
  }

  /** 429 {@code ingest_busy}: the tenant's ingestions (or everyone's) took every permit for the whole wait. */
  private ApiException busy() {
    long seconds = Math.max(1, streamWait.toSeconds());
    return new ApiException(Problem.of(429, "ingest_busy", "Too many ingestions",
        "your other uploads, or all tenants' together, held every ingestion permit for " + streamWait.toMillis()
            + " ms (trainyard.upload.ingest-wait); nothing of this upload was kept, send it again after Retry-After "
            + "seconds"), seconds);
  }

  /**
   * Ends dataset {@code id} (a completed upload that a {@link TailIngest} read while it arrived)
   * with the tail's result. The raw file goes once the row says so; if the server stops before,
   * the next start ingests the file again.
   */
  void finishTail(String id, Ingested r, long uploadBytes) {
    try {
      finish(id, r, uploadBytes);
      Files.deleteIfExists(blobs.upload(id));
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "cannot record the ingestion of dataset %s; the next start ingests it again", id);
    }
  }

  /**
   * Queues again the datasets a previous run left UPLOADED or INGESTING; one without a raw
   * upload (a streamed upload cut off by the stop, or a lost file) is marked FAILED.
   */
  public void resumeUnfinished() {
    deleteTailLeftovers();
    record Left(String tenantId, String id) {}
    List<Left> left = QuarkusTransaction.requiringNew().call(() -> {
      List<Left> out = new ArrayList<>();
      for (DatasetRow row : DatasetRow.<DatasetRow>list("status in ?1",
          List.of(DatasetStatus.UPLOADED.name(), DatasetStatus.INGESTING.name()))) {
        out.add(new Left(row.tenantId, row.id));
      }
      return out;
    });
    for (Left l : left) {
      LOG.infof("resuming the ingestion of dataset %s", l.id());
      submit(l.tenantId(), l.id());
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
    finish(id, ingestRaw(id, part, start), start.uploadBytes);
    try {
      Files.deleteIfExists(part); // only once the row says how it ended: else the next start needs it
    } catch (IOException e) {
      LOG.warnf("cannot delete the raw upload %s: %s", part, e.getMessage());
    }
  }

  /** Ingests the raw file {@code part} of dataset {@code start} into the dataset's directory. */
  private Ingested ingestRaw(String id, Path part, DatasetRow start) {
    try {
      // shards left by a run that stopped between rename and commit, or of a streamed upload whose READY was never committed
      FileTrees.deleteRecursively(blobs.dataset(id));
      if (!Files.exists(part)) {
        // a streamed upload's row has uploadBytes 0 until its body has ended
        return Ingested.failed(new Ingested.Lost(start.uploadBytes == 0 ? STREAM_CUT : RAW_GONE));
      }
      try (InputStream in = new BufferedInputStream(Files.newInputStream(part), 1 << 20)) {
        return Ingested.run(in, Format.parse(start.format), start.hashBits, blobs.dataset(id));
      }
    } catch (IOException e) {
      return Ingested.failed(e);
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
   * Ingests a streamed upload whose row is committed INGESTING, on the caller's thread (an
   * ingest thread holding a permit), while the body arrives. Returns the READY dataset. Throws the
   * answer for the client otherwise: 422 {@code ingest_failed} for bad data (the dataset is FAILED
   * with the first bad lines); for a broken body (too large, client gone) 413 or 400 and no
   * dataset; 507 or 500 when the server failed (the dataset is FAILED with the reason).
   */
  DatasetView ingestStream(String id, Format format, int hashBits, UploadBody body) {
    Ingested r = Ingested.run(body, format, hashBits, blobs.dataset(id));
    if (r.error() != null) {
      body.detach(); // the engine's reader thread may still be in a read
      if (r.error() instanceof IngestException && !body.broken()) {
        drain(body);
      }
      if (body.broken()) {
        r = Ingested.failed(new Ingested.BrokenOff(r.error()));
      }
    }
    DatasetView view = finish(id, r, body.count());
    if (r.stats() != null) {
      return view;
    }
    if (r.error() instanceof Ingested.BrokenOff) {
      throw body.brokenAnswer();
    }
    if (r.error() instanceof IngestException bad) {
      throw ingestFailed(id, bad);
    }
    if (DiskFull.causedBy(r.error())) {
      throw new ApiException(Problem.insufficientStorage("dataset " + id + " is FAILED and nothing of it is kept")
          .with("datasetId", id));
    }
    throw new ApiException(Problem.of(500, "ingest_error", "Internal error",
        "the server failed to ingest the upload; dataset " + id + " is FAILED and the reason is in the server's log")
        .with("datasetId", id));
  }

  /** Reads the rest of a body with bad data, so that the client, still sending, reads the answer. */
  private static void drain(UploadBody body) {
    try {
      body.drain();
    } catch (IOException e) {
      // broken after all: body.broken() says so
    }
  }

  /**
   * The one place an ingestion ends: READY with the shards moved into place (when they were
   * written elsewhere), FAILED with the reason and the first bad lines, or, for a streamed body
   * that broke off, no dataset at all (null). Counts the bytes by outcome.
   */
  DatasetView finish(String id, Ingested r, long uploadBytes) {
    if (r.error() instanceof Ingested.BrokenOff broken) {
      LOG.infof("streamed upload of dataset %s broke off after %d bytes: %s", id, uploadBytes,
          broken.getCause().getMessage());
      count("broken", uploadBytes);
      discard(id);
      return null;
    }
    if (r.stats() != null) {
      try {
        moveInPlace(id, r.shards());
      } catch (IOException e) {
        return finish(id, Ingested.failed(e), uploadBytes);
      }
      DatasetView view = ready(id, r.stats(), uploadBytes);
      LOG.infof("dataset %s READY: %d rows, %d features, %d bytes", id, r.stats().rows(), r.stats().features(),
          uploadBytes);
      count("ready", uploadBytes);
      return view;
    }
    String reason;
    List<BadLine> badLines = null;
    if (r.error() instanceof IngestException bad) {
      reason = bad.getMessage();
      badLines = bad.badLines();
    } else if (r.error() instanceof Ingested.Lost lost) {
      reason = lost.getMessage();
    } else {
      LOG.errorf(r.error(), "ingestion of dataset %s failed", id);
      reason = "ingestion failed: " + r.error().getMessage();
    }
    DatasetView view = fail(id, reason, badLines, uploadBytes);
    count("failed", uploadBytes);
    return view;
  }

  private void count(String outcome, long bytes) {
    meters.counter("trainyard.ingest.bytes", "outcome", outcome).increment(bytes);
  }

  /** Moves shards written elsewhere (by a {@link TailIngest}) to the dataset's directory. */
  private void moveInPlace(String id, Path shards) throws IOException {
    Path dir = blobs.dataset(id);
    if (shards.equals(dir)) {
      return;
    }
    FileTrees.deleteRecursively(dir);
    Files.move(shards, dir, StandardCopyOption.ATOMIC_MOVE);
    Durable.syncDirectory(dir.getParent());
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

  private DatasetView fail(String id, String reason, List<BadLine> badLines, long uploadBytes) {
    List<Map<String, Object>> bad = badLines(badLines);
    String badJson = bad == null ? null : JsonText.write(bad);
    return QuarkusTransaction.requiringNew().call(() -> {
      DatasetRow row = DatasetRow.findById(id);
      row.status = DatasetStatus.FAILED.name();
      row.statusReason = reason;
      row.badLines = badJson;
      row.uploadBytes = uploadBytes;
      row.updatedAt = clock.instant();
      return DatasetView.of(row);
    });
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

  /**
   * Not interrupted: an ingestion cut off by an interrupt would end FAILED (and a resumable
   * upload's file deleted); one still running when the process exits stays INGESTING with its
   * file, and the next start ingests it again or, for a streamed upload, fails it with what to do.
   */
  @PreDestroy
  void stop() {
    pool.shutdown();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
