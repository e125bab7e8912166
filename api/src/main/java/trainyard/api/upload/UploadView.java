package trainyard.api.upload;

import java.time.Instant;

/** A resumable upload as the REST API shows it (docs/UPLOAD-PROTOCOL.md, section 5). */
public record UploadView(String id, String name, String format, long size, String sha256, long received,
    String status, long maxChunkBytes, String datasetId, Instant createdAt, Instant updatedAt) {

  static UploadView of(UploadRow r, long maxChunkBytes) {
    return new UploadView(r.id, r.name, r.format, r.size, r.sha256, r.received, r.status, maxChunkBytes,
        r.datasetId, r.createdAt, r.updatedAt);
  }
}
