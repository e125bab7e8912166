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
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.JsonText;
import trainyard.api.platform.TrainyardConfig;
import trainyard.engine.data.BadLine;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestException;
import trainyard.engine.data.IngestOptions;
import trainyard.engine.io.FileTrees;

/**
 * Turns uploaded files into the engine's shards on a small pool of worker threads:
 * UPLOADED → INGESTING → READY, or FAILED with the first bad lines. The engine writes shards
 * to a temporary directory and renames it when done, so a failed ingest leaves nothing usable.
 * The raw upload is deleted afterwards either way. Thread-safe.
 */
@ApplicationScoped
public class Ingestor {
  private static final Logger LOG = Logger.getLogger(Ingestor.class);

  private final BlobStore blobs;
  private final Clock clock;
  private final ExecutorService pool;

  @Inject
  public Ingestor(BlobStore blobs, Clock clock, TrainyardConfig config) {
    this.blobs = blobs;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(config.upload().ingestThreads(), r -> {
      Thread t = new Thread(r, "trainyard-ingest-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public void submit(String datasetId) {
    pool.execute(() -> ingest(datasetId));
  }

  /**
   * Queues again the datasets a previous run left UPLOADED or INGESTING; one whose raw upload
   * is gone is marked FAILED.
   */
  public void resumeUnfinished() {
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

  private void ingest(String id) {
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
        fail(id, "the raw upload is gone (the server stopped during ingestion and lost it); upload the file again", null);
        return;
      }
      FileTrees.deleteRecursively(dir); // left by a run that stopped between rename and commit
      IngestOptions options = IngestOptions.defaults().withHashBits(start.hashBits == null ? 0 : start.hashBits);
      long t0 = System.nanoTime();
      DatasetStats stats;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(part), 1 << 20)) {
        stats = Ingest.ingest(in, Format.parse(start.format), dir, options);
      }
      ready(id, stats);
      LOG.infof("dataset %s READY: %d rows, %d features, %d bytes in %d ms", id, stats.rows(),
          stats.features(), start.uploadBytes, (System.nanoTime() - t0) / 1_000_000);
    } catch (IngestException e) {
      fail(id, e.getMessage(), e.badLines());
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "ingestion of dataset %s failed", id);
      fail(id, "ingestion failed: " + e.getMessage(), null);
    } finally {
      try {
        Files.deleteIfExists(part);
      } catch (IOException e) {
        LOG.warnf("cannot delete the raw upload %s: %s", part, e.getMessage());
      }
    }
  }

  private void ready(String id, DatasetStats s) {
    QuarkusTransaction.requiringNew().run(() -> {
      DatasetRow row = DatasetRow.findById(id);
      row.status = DatasetStatus.READY.name();
      row.statusReason = null;
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
      row.updatedAt = clock.instant();
      row.readyAt = row.updatedAt;
    });
  }

  private void fail(String id, String reason, List<BadLine> badLines) {
    List<Map<String, Object>> bad = null;
    if (badLines != null) {
      bad = new ArrayList<>();
      for (BadLine b : badLines) {
        bad.add(Map.of("line", b.line(), "column", b.column(), "reason", b.reason(), "text", b.text()));
      }
    }
    String badJson = bad == null ? null : JsonText.write(bad);
    QuarkusTransaction.requiringNew().run(() -> {
      DatasetRow row = DatasetRow.findById(id);
      row.status = DatasetStatus.FAILED.name();
      row.statusReason = reason;
      row.badLines = badJson;
      row.updatedAt = clock.instant();
    });
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
