package trainyard.api.dataset;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.Ids;
import trainyard.api.platform.TrainyardConfig;
import trainyard.api.problem.ApiException;
import trainyard.api.quota.Arriving;
import trainyard.api.quota.QuotaService;
import trainyard.engine.data.Format;
import trainyard.engine.io.FileTrees;

/**
 * Accepts dataset uploads and answers for datasets. A streamed upload is ingested while its body
 * arrives (no raw file is kept): its row is INGESTING from the first byte, READY or FAILED when
 * the answer goes out, and deleted again if the body breaks off, so a broken upload leaves no
 * dataset behind. A file that arrived by the resumable protocol is made a dataset here; the
 * {@link Ingestor} ingests both kinds and ends them. Thread-safe.
 */
@ApplicationScoped
public class DatasetService {
  @Inject BlobStore blobs;
  @Inject TrainyardConfig config;
  @Inject Clock clock;
  @Inject Ingestor ingestor;
  @Inject QuotaService quotas;
  @Inject jakarta.transaction.TransactionSynchronizationRegistry registry;

  /** Validated upload parameters. */
  public record UploadRequest(String name, Format format, int hashBits) {
    public static UploadRequest of(String name, String format, Integer hashBits) {
      if (name == null || name.isBlank() || name.length() > 200) {
        throw ApiException.badRequest("invalid_name", "name must be 1..200 characters");
      }
      Format f;
      try {
        f = Format.parse(format == null ? "libsvm" : format);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("unknown_format", e.getMessage());
      }
      int bits = hashBits == null ? 0 : hashBits;
      if (bits < 0 || bits > 40) {
        throw ApiException.badRequest("invalid_hash_bits", "hashBits must be in 0..40, got " + bits);
      }
      return new UploadRequest(name, f, bits);
    }
  }

  /**
   * Ingests {@code body} while it arrives; the future is the READY dataset, or fails with the
   * answer (see {@link Ingestor#streamed} and {@link Ingestor#ingestStream}). The body stays unread
   * until the tenant has an ingestion permit, so TCP holds the client back meanwhile.
   */
  public CompletableFuture<DatasetView> upload(String tenantId, UploadRequest request, InputStream body,
      Long declaredLength) {
    long max = config.upload().maxBytes();
    if (declaredLength != null && declaredLength > max) {
      throw UploadBody.tooLarge(max);
    }
    quotas.checkStorage(tenantId, declaredLength == null ? 0 : declaredLength);
    return ingestor.streamed(tenantId, () -> {
      // counted from when the body is read: a body without Content-Length stops where it crosses the quota
      Arriving arriving = quotas.arriving(tenantId);
      UploadBody in = new UploadBody(body, max, arriving);
      try {
        return ingest(tenantId, request, in);
      } finally {
        arriving.end(!in.broken());
      }
    });
  }

  private DatasetView ingest(String tenantId, UploadRequest request, UploadBody in) {
    boolean gzip;
    try {
      gzip = in.startsWithGzip();
    } catch (IOException e) {
      throw in.brokenAnswer();
    }
    if (in.isEmpty()) {
      throw ApiException.badRequest("empty_upload", "the request body is empty; send the dataset file as the body");
    }
    String id = Ids.newId("ds", clock.millis());
    ingestor.streamStarts(id);
    try {
      QuarkusTransaction.requiringNew().run(() -> newRow(tenantId, request, id, DatasetStatus.INGESTING, 0, gzip));
      return ingestor.ingestStream(id, request.format(), request.hashBits(), in);
    } finally {
      ingestor.streamEnds(id);
    }
  }

  /**
   * Makes a dataset of a file that arrived another way (a completed resumable upload) and moves
   * the file into place. With a claimed {@code tail} that has read the file while it arrived, the
   * dataset is INGESTING and the tail ends it; without, it is UPLOADED and queued for ingestion.
   * Either starts once the caller's transaction commits.
   */
  public DatasetView register(String tenantId, UploadRequest request, Path staged, long size, TailIngest tail)
      throws IOException {
    String id = Ids.newId("ds", clock.millis());
    Files.move(staged, blobs.upload(id), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    boolean gzip = isGzip(blobs.upload(id));
    DatasetStatus status = tail == null ? DatasetStatus.UPLOADED : DatasetStatus.INGESTING;
    DatasetRow row = QuarkusTransaction.joiningExisting().call(() -> newRow(tenantId, request, id, status, size, gzip));
    if (tail == null) {
      afterCommit(() -> ingestor.submit(tenantId, id));
    } else {
      afterCommit(() -> tail.end(r -> ingestor.finishTail(id, r, size)));
    }
    return DatasetView.of(row);
  }

  private DatasetRow newRow(String tenantId, UploadRequest request, String id, DatasetStatus status, long size,
      boolean gzip) {
    DatasetRow r = new DatasetRow();
    r.id = id;
    r.tenantId = tenantId;
    r.name = request.name();
    r.format = request.format().id();
    r.hashBits = request.hashBits();
    r.status = status.name();
    r.uploadBytes = size;
    r.gzip = gzip;
    r.createdAt = clock.instant();
    r.updatedAt = r.createdAt;
    r.persist();
    return r;
  }

  /** Whether the file starts with the gzip magic number. */
  private static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  /** Runs {@code task} once the current transaction commits, or now if there is none. */
  private void afterCommit(Runnable task) {
    try {
      if (registry.getTransactionStatus() == jakarta.transaction.Status.STATUS_ACTIVE) {
        registry.registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == jakarta.transaction.Status.STATUS_COMMITTED) {
              task.run();
            }
          }
        });
        return;
      }
    } catch (IllegalStateException e) {
      // no transaction
    }
    task.run();
  }

  public DatasetView get(String tenantId, String id) {
    return QuarkusTransaction.requiringNew().call(() -> DatasetView.of(owned(tenantId, id)));
  }

  public Page<DatasetView> list(String tenantId, PageRequest page) {
    return QuarkusTransaction.requiringNew().call(() -> {
      List<DatasetRow> rows = page.cursor() == null
          ? DatasetRow.<DatasetRow>find("tenantId = ?1 order by id desc", tenantId).page(0, page.limit() + 1).list()
          : DatasetRow.<DatasetRow>find("tenantId = ?1 and id < ?2 order by id desc", tenantId, page.cursor())
              .page(0, page.limit() + 1).list();
      return page.page(rows, r -> r.id, DatasetView::of);
    });
  }

  /**
   * Deletes a dataset and its shards. 409 while a job that is not finished uses it, or while it
   * is being ingested.
   */
  public void delete(String tenantId, String id) throws IOException {
    QuarkusTransaction.requiringNew().run(() -> {
      // locked first: a job submitted meanwhile either waits and finds no dataset, or is counted below
      DatasetRow row = DatasetRow.owned(tenantId, id, LockModeType.PESSIMISTIC_WRITE);
      if (row == null) {
        throw ApiException.notFound("dataset", id);
      }
      if (DatasetStatus.UPLOADED.name().equals(row.status) || DatasetStatus.INGESTING.name().equals(row.status)) {
        throw new ApiException(409, "dataset_busy", "Dataset busy",
            "dataset " + id + " is " + row.status + "; delete it once ingestion ends");
      }
      long users = DatasetRow.getEntityManager().createQuery(
              "select count(j) from JobRow j where (j.datasetId = ?1 or j.validationDatasetId = ?1)", Long.class)
          .setParameter(1, id).getSingleResult();
      if (users > 0) {
        throw new ApiException(409, "dataset_in_use", "Dataset in use",
            "dataset " + id + " is used by " + users + " job(s); their records keep it");
      }
      row.delete();
    });
    FileTrees.deleteRecursively(blobs.dataset(id));
  }

  static DatasetRow owned(String tenantId, String id) {
    DatasetRow row = DatasetRow.owned(tenantId, id);
    if (row == null) {
      throw ApiException.notFound("dataset", id);
    }
    return row;
  }
}
