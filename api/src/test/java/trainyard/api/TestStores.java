package trainyard.api;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A fresh blob store for the test run: the embedded PostgreSQL and Kafka of the one shared
 * application boot live under it, and it is deleted afterwards.
 */
public class TestStores implements QuarkusTestResourceLifecycleManager {
  public static final String ADMIN_TOKEN = "test-admin-token";
  /** Small enough that a test can cross it cheaply, big enough for every other test's files. */
  public static final long MAX_UPLOAD = 8 << 20;
  /** Long enough for a test's upload to wait its turn, short enough for one to be refused when it is past. */
  public static final String INGEST_WAIT = "10s";
  /** Below the upload limit, so that a chunk can cross it. */
  public static final long MAX_CHUNK = 4 << 20;
  private Path dir;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("trainyard-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("trainyard.data-dir", dir.toString(), "trainyard.admin-token", ADMIN_TOKEN,
        "trainyard.upload.max-bytes", String.valueOf(MAX_UPLOAD), "trainyard.upload.ingest-wait", INGEST_WAIT,
        "trainyard.upload.max-chunk-bytes", String.valueOf(MAX_CHUNK));
  }

  @Override
  public void stop() {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
