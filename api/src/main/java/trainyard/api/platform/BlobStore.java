package trainyard.api.platform;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The blob store's layout (docs/ARCHITECTURE.md, "Blob store"). Paths only; no state.
 */
@ApplicationScoped
public class BlobStore {
  private final Path root;

  public BlobStore(TrainyardConfig config) {
    this.root = config.dataDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(root.resolve("uploads"));
      Files.createDirectories(root.resolve("datasets"));
      Files.createDirectories(root.resolve("models"));
      Files.createDirectories(root.resolve("checkpoints"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the blob store under " + root, e);
    }
  }

  public Path root() {
    return root;
  }

  public Path uploads() {
    return root.resolve("uploads");
  }

  public Path upload(String datasetId) {
    return uploads().resolve(datasetId + ".part");
  }

  /** Where a resumable upload's shards go while it is ingested as it arrives. */
  public Path uploadShards(String uploadId) {
    return uploads().resolve(uploadId + ".shards");
  }

  public Path dataset(String datasetId) {
    return root.resolve("datasets").resolve(datasetId);
  }

  /** Where the models of job {@code jobId} go: {@code models/{jobId}}. */
  public Path models(String jobId) {
    return root.resolve("models").resolve(jobId).normalize();
  }

  /** Where the engine checkpoints jobs, one directory each. */
  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  public Path checkpoints(String jobId) {
    return checkpoints().resolve(jobId);
  }

  public Path kafka() {
    return root.resolve("kafka");
  }

  /** The embedded Kafka's last port, so that it takes the same one again. */
  public Path kafkaPort() {
    return root.resolve("kafka-port");
  }

  public Path adminToken() {
    return root.resolve("admin-token");
  }

  /** A path the bus names (absolute, or relative to the blob store), made absolute. */
  public Path resolve(String path) {
    Path p = Path.of(path);
    return p.isAbsolute() ? p : root.resolve(p).normalize();
  }
}
