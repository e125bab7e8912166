package trainyard.api.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import trainyard.api.platform.JsonText;

/** A dataset as the REST API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetView(
    String id,
    String name,
    String format,
    String status,
    String statusReason,
    String error,
    @Schema(type = SchemaType.ARRAY, description = "FAILED: the first bad lines, each {line, column, reason, text}")
    JsonNode badLines,
    long uploadBytes,
    boolean gzip,
    Stats stats,
    Instant createdAt,
    Instant updatedAt,
    Instant readyAt) {

  /** What ingestion learned; present once READY. */
  public record Stats(long rows, long features, long nonZeros, long positives, long negatives,
      long bytes, int shards, int hashBits, boolean hasFields, String checksum) {}

  static DatasetView of(DatasetRow r) {
    Stats stats = r.rows == null ? null : new Stats(r.rows, r.features, r.nonZeros, r.positives,
        r.negatives, r.bytes, r.shards, r.hashBits, Boolean.TRUE.equals(r.hasFields), r.checksum);
    String error = DatasetStatus.FAILED.name().equals(r.status) ? r.statusReason : null;
    return new DatasetView(r.id, r.name, r.format, r.status, r.statusReason, error,
        JsonText.tree(r.badLines), r.uploadBytes,
        r.gzip, stats, r.createdAt, r.updatedAt, r.readyAt);
  }
}
