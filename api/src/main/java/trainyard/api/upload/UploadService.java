package trainyard.api.upload;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import trainyard.api.dataset.DatasetService;
import trainyard.api.dataset.DatasetView;
import trainyard.api.dataset.Ingestor;
import trainyard.api.dataset.TailIngest;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.Ids;
import trainyard.api.platform.TrainyardConfig;
import trainyard.api.problem.ApiException;
import trainyard.api.quota.QuotaService;
import trainyard.engine.data.Format;
import trainyard.engine.data.IngestException;

/**
 * Resumable uploads (docs/UPLOAD-PROTOCOL.md): a file arrives as ordered chunks, each streamed
 * to its place in data/uploads/{id}.part and checked against its digest; {@code received}
 * moves only after a whole chunk is on disk (forced), so a broken connection costs one chunk.
 * On completion the whole file's SHA-256 is checked and the file becomes a dataset. While the
 * chunks arrive in order, this process keeps the file's running SHA-256 and ingests the durable
 * bytes ({@link TailIngest}), so completion neither reads the file again nor waits for a whole
 * ingestion; after a restart it does what it can from the file.
 *
 * <p>Thread-safe within one api process: the chunks and the completion of one upload are
 * serialized by a per-upload lock.
 */
@ApplicationScoped
public class UploadService {
  public static final String OPEN = "OPEN";
  static final String COMPLETED = "COMPLETED";
  static final String FAILED = "FAILED";
  static final String EXPIRED = "EXPIRED";
  private static final int BUFFER = 1 << 16;

  /** What a client declares when it starts an upload. */
  @Schema(additionalProperties = Schema.False.class, requiredProperties = {"name", "size"})
  public record CreateRequest(String name,
      @Schema(enumeration = {"libsvm", "libffm", "csv"}, defaultValue = "libsvm",
          description = "the file's format (docs/FORMATS.md); case-insensitive, named in lower case in answers") String format,
      Long size, String sha256, Integer hashBits) {}

  /** A completed upload's dataset, and whether this call created it. */
  public record Completed(DatasetView dataset, boolean created) {}

  @Inject BlobStore blobs;
  @Inject TrainyardConfig config;
  @Inject Clock clock;
  @Inject DatasetService datasets;
  @Inject Ingestor ingestor;
  @Inject QuotaService quotas;

  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
  /** Open uploads this process ingests while they arrive (one try each: one that gave up stays). */
  private final ConcurrentHashMap<String, TailIngest> tails = new ConcurrentHashMap<>();
  /** The SHA-256 of each open upload's durable bytes, kept while its chunks come in order. */
  private final ConcurrentHashMap<String, FileDigest> digests = new ConcurrentHashMap<>();

  /** A digest of the first {@code length} bytes of a file. */
  private record FileDigest(long length, MessageDigest digest) {}

  public UploadView create(String tenantId, CreateRequest r) throws IOException {
    if (r == null) {
      throw invalid("the body must be a JSON object with name, format, size and sha256");
    }
    if (r.name() == null || r.name().isBlank() || r.name().length() > 200) {
      throw invalid("name must be 1..200 characters, got " + (r.name() == null ? "none" : r.name().length()));
    }
    if (r.size() == null || r.size() < 1) {
      throw invalid("size must be >= 1, got " + r.size());
    }
    if (r.sha256() != null) {
      requireSha256(r.sha256());
    }
    DatasetService.UploadRequest dataset = DatasetService.UploadRequest.of(r.name(), r.format(), r.hashBits());
    long max = config.upload().maxBytes();
    if (r.size() > max) {
      throw new ApiException(413, "upload_too_large", "Payload too large",
          "uploads are limited to " + max + " bytes (trainyard.upload.max-bytes), got size " + r.size());
    }
    String id = Ids.newId("up", clock.millis());
    Files.createFile(blobs.upload(id));
    UploadRow row;
    try {
      row = QuarkusTransaction.requiringNew().call(() -> newRow(tenantId, id, dataset, r));
    } catch (RuntimeException e) {
      Files.deleteIfExists(blobs.upload(id));
      throw e;
    }
    return view(row);
  }

  /** The upload's row, once the tenant's quotas allow one more of its size. */
  private UploadRow newRow(String tenantId, String id, DatasetService.UploadRequest dataset, CreateRequest r) {
    quotas.checkUpload(tenantId, r.size());
    UploadRow u = new UploadRow();
    u.id = id;
    u.tenantId = tenantId;
    u.name = dataset.name();
    u.format = dataset.format().id();
    u.hashBits = dataset.hashBits();
    u.size = r.size();
    u.sha256 = r.sha256();
    u.status = OPEN;
    u.createdAt = clock.instant();
    u.updatedAt = u.createdAt;
    u.persist();
    return u;
  }

  public UploadView get(String tenantId, String id) {
    return view(read(tenantId, id));
  }

  /** Writes one chunk at its offset and advances {@code received} once it is all on disk. */
  public UploadView chunk(String tenantId, String id, String contentRange, String contentDigest, InputStream body)
      throws IOException {
    read(tenantId, id); // 404 before anything else
    synchronized (lock(id)) {
      UploadRow row = read(tenantId, id);
      requireOpen(row);
      ContentRange range = ContentRange.parse(contentRange, row.size);
      long maxChunk = config.upload().maxChunkBytes();
      if (range.length() > maxChunk) {
        throw new ApiException(413, "chunk_too_large", "Payload too large",
            "chunks are limited to " + maxChunk + " bytes, got " + range.length());
      }
      if (range.start() != row.received) {
        throw new ApiException(ApiException.conflict("upload_offset_mismatch",
            "the chunk starts at " + range.start() + " but the server has " + row.received + " bytes")
            .problem().with("received", row.received));
      }
      ChunkDigest declared = ChunkDigest.parse(contentDigest);
      MessageDigest whole = continued(id, range.start());
      write(blobs.upload(id), range, body, declared, whole);
      if (declared != null) {
        declared.check();
      }
      UploadRow updated = QuarkusTransaction.requiringNew().call(() -> {
        UploadRow u = UploadRow.findById(id);
        u.received = range.end() + 1;
        u.updatedAt = clock.instant();
        return u;
      });
      if (whole == null) {
        digests.remove(id);
      } else {
        digests.put(id, new FileDigest(updated.received, whole));
      }
      TailIngest tail = follow(updated);
      IngestException bad = tail.badLines();
      if (bad != null) {
        throw failEarly(tenantId, updated, tail, bad);
      }
      return view(updated);
    }
  }

  /**
   * The file has bad lines, found while it arrived: it becomes a FAILED dataset with them now
   * rather than after the rest has travelled, and the upload ends (FAILED, with the dataset's
   * id). Returns the 422 {@code ingest_failed} for the client, as a streamed upload gets.
   */
  private ApiException failEarly(String tenantId, UploadRow row, TailIngest tail, IngestException bad) {
    tails.remove(row.id);
    digests.remove(row.id);
    tail.claim(row.received);
    DatasetView dataset = toDataset(tenantId, row, row.received, tail, FAILED);
    return Ingestor.ingestFailed(dataset.id(), bad);
  }

  /**
   * Makes the upload's file a dataset (ingested by {@code tail} if not null) and ends the upload
   * with {@code status}, in one transaction.
   */
  private DatasetView toDataset(String tenantId, UploadRow row, long size, TailIngest tail, String status) {
    DatasetService.UploadRequest request = DatasetService.UploadRequest.of(row.name, row.format, row.hashBits);
    return QuarkusTransaction.requiringNew().call(() -> {
      DatasetView d = datasets.register(tenantId, request, blobs.upload(row.id), size, tail);
      UploadRow u = UploadRow.findById(row.id);
      u.status = status;
      u.datasetId = d.id();
      u.updatedAt = clock.instant();
      return d;
    });
  }

  /**
   * A copy of the running digest of the upload's bytes before {@code start}, to go on with this
   * chunk (a copy, so that a chunk refused halfway leaves the digest as it was); a new digest at
   * 0; null when there is none to go on from (after a restart), and complete() reads the file.
   */
  private MessageDigest continued(String id, long start) {
    if (start == 0) {
      return ChunkDigest.sha256();
    }
    FileDigest before = digests.get(id);
    if (before == null || before.length() != start) {
      return null;
    }
    try {
      return (MessageDigest) before.digest().clone();
    } catch (CloneNotSupportedException e) {
      return null;
    }
  }

  /**
   * Ingests the upload while it arrives: starts its {@link TailIngest} with the first chunk this
   * process takes (after a restart the tail reads what came before from the file), or tells it
   * that more bytes are durable.
   */
  private TailIngest follow(UploadRow row) {
    TailIngest tail = tails.get(row.id);
    if (tail != null) {
      tail.advance(row.received);
      return tail;
    }
    tail = ingestor.tail(row.tenantId, row.id, Format.parse(row.format), row.hashBits);
    tails.put(row.id, tail);
    tail.start(row.received);
    return tail;
  }

  /**
   * Checks the whole file against the SHA-256 declared at creation or now ({@code sha256}, may
   * be null) and hands it to ingestion; idempotent once COMPLETED.
   */
  public Completed complete(String tenantId, String id, String sha256) throws IOException {
    if (sha256 != null) {
      requireSha256(sha256);
    }
    read(tenantId, id);
    synchronized (lock(id)) {
      UploadRow row = read(tenantId, id);
      if (COMPLETED.equals(row.status)) {
        return new Completed(datasets.get(tenantId, row.datasetId), false);
      }
      requireOpen(row);
      if (row.received < row.size) {
        throw new ApiException(ApiException.conflict("upload_incomplete",
            "the server has " + row.received + " of " + row.size + " bytes").problem().with("received", row.received));
      }
      String declared = row.sha256 != null ? row.sha256 : sha256;
      if (declared == null) {
        throw ApiException.badRequest("checksum_missing",
            "give the file's SHA-256 when the upload is created or completed ({\"sha256\": \"...\"})");
      }
      Path part = blobs.upload(id);
      FileDigest running = digests.remove(id);
      String sha = running != null && running.length() == row.size
          ? HexFormat.of().formatHex(running.digest().digest()) : sha256(part);
      TailIngest tail = tails.remove(id);
      if (!sha.equals(declared) || sha256 != null && !sha256.equals(declared)) {
        if (tail != null) {
          tail.cancel();
        }
        QuarkusTransaction.requiringNew().run(() -> {
          UploadRow u = UploadRow.findById(id);
          u.status = FAILED;
          u.updatedAt = clock.instant();
        });
        Files.deleteIfExists(part);
        throw new ApiException(422, "upload_checksum_mismatch", "Checksum mismatch",
            "the file's SHA-256 is " + sha + " but the upload declared "
                + (sha256 == null || sha256.equals(declared) ? declared : declared + " and " + sha256)
                + "; start a new upload");
      }
      TailIngest live = tail != null && tail.claim(row.size) ? tail : null;
      DatasetView dataset;
      try {
        dataset = toDataset(tenantId, row, row.size, live, COMPLETED);
      } catch (RuntimeException e) {
        if (live != null) {
          live.cancel();
        }
        throw e;
      }
      return new Completed(dataset, true);
    }
  }

  /** Aborts an open upload and deletes its bytes. */
  public void abort(String tenantId, String id) throws IOException {
    read(tenantId, id);
    synchronized (lock(id)) {
      UploadRow row = read(tenantId, id);
      requireOpen(row);
      TailIngest tail = tails.remove(id);
      if (tail != null) {
        tail.cancel();
      }
      digests.remove(id);
      QuarkusTransaction.requiringNew().run(() -> UploadRow.deleteById(id));
      Files.deleteIfExists(blobs.upload(id));
    }
    locks.remove(id);
  }

  /**
   * Expires the uploads still OPEN that got no chunk since {@code before}: their ingestion stops,
   * their bytes are deleted, and every call about them answers 410 {@code upload_expired}.
   * Returns how many expired.
   */
  public int expireIdle(Instant before) throws IOException {
    List<String> idle = QuarkusTransaction.requiringNew().call(() -> UploadRow.<UploadRow>find(
        "status = ?1 and updatedAt < ?2", OPEN, before).stream().map(u -> u.id).toList());
    int expired = 0;
    for (String id : idle) {
      synchronized (lock(id)) {
        boolean still = QuarkusTransaction.requiringNew().call(() -> {
          UploadRow u = UploadRow.findById(id, LockModeType.PESSIMISTIC_WRITE);
          if (u == null || !OPEN.equals(u.status) || !u.updatedAt.isBefore(before)) {
            return false;
          }
          u.status = EXPIRED;
          u.updatedAt = clock.instant();
          return true;
        });
        if (still) {
          TailIngest tail = tails.remove(id);
          if (tail != null) {
            tail.cancel();
          }
          digests.remove(id);
          Files.deleteIfExists(blobs.upload(id));
          expired++;
        }
      }
      locks.remove(id);
    }
    return expired;
  }

  /** Stops the ingestions of uploads still arriving; completed ones finish or are ingested again on start. */
  @PreDestroy
  void stop() {
    for (TailIngest tail : tails.values()) {
      tail.cancel();
    }
  }

  /**
   * Streams exactly {@code range.length()} bytes of {@code body} to their place in the file and
   * forces them to disk; adds them to {@code chunk} and {@code whole} unless null. A body shorter
   * or longer than the range is refused.
   */
  private static void write(Path file, ContentRange range, InputStream body, ChunkDigest chunk, MessageDigest whole)
      throws IOException {
    long want = range.length();
    long got = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.position(range.start());
      byte[] buffer = new byte[BUFFER];
      while (got < want) {
        int n = body.read(buffer, 0, (int) Math.min(buffer.length, want - got));
        if (n < 0) {
          throw ContentRange.invalid("the body ended after " + got + " bytes; Content-Range announced " + want);
        }
        if (chunk != null) {
          chunk.update(buffer, 0, n);
        }
        if (whole != null) {
          whole.update(buffer, 0, n);
        }
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
        try {
          while (bytes.hasRemaining()) {
            ch.write(bytes);
          }
        } catch (IOException e) {
          // a full disk, say: give back what this chunk took, since it will not count
          ch.truncate(range.start());
          throw e;
        }
        got += n;
      }
      if (body.read() >= 0) {
        throw ContentRange.invalid("the body is longer than the " + want + " bytes Content-Range announced");
      }
      ch.force(false);
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = ChunkDigest.sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private UploadRow read(String tenantId, String id) {
    UploadRow row = QuarkusTransaction.requiringNew().call(() -> UploadRow.owned(tenantId, id));
    if (row == null) {
      throw ApiException.notFound("upload", id);
    }
    if (EXPIRED.equals(row.status)) {
      throw new ApiException(410, "upload_expired", "Upload expired", "upload " + id + " got no chunk for "
          + config.upload().expireAfter().toString().substring(2).toLowerCase(java.util.Locale.ROOT)
          + " (trainyard.upload.expire-after) and its bytes were deleted; start a new upload");
    }
    return row;
  }

  private static void requireOpen(UploadRow row) {
    if (!OPEN.equals(row.status)) {
      throw ApiException.conflict("upload_not_open", "upload " + row.id + " is " + row.status);
    }
  }

  private Object lock(String id) {
    return locks.computeIfAbsent(id, k -> new Object());
  }

  private UploadView view(UploadRow row) {
    return UploadView.of(row, config.upload().maxChunkBytes());
  }

  private static void requireSha256(String sha256) {
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw invalid("sha256 must be 64 lowercase hex digits, got " + sha256);
    }
  }

  private static ApiException invalid(String detail) {
    return ApiException.badRequest("invalid_upload", detail);
  }
}
