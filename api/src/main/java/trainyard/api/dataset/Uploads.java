package trainyard.api.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import trainyard.api.problem.ApiException;

/**
 * Streams a request body to a file through a fixed buffer: memory use does not depend on the
 * body's size. Stateless; thread-safe.
 */
final class Uploads {
  private static final int BUFFER = 1 << 16;

  private Uploads() {}

  /**
   * Copies {@code body} to {@code file}; returns the byte count. Deletes the file and throws
   * 413 past {@code maxBytes}, and deletes it on any other failure: no half upload is kept.
   */
  static long store(InputStream body, Path file, long maxBytes) throws IOException {
    boolean done = false;
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] buffer = new byte[BUFFER];
      long total = 0;
      int n;
      while ((n = body.read(buffer)) >= 0) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(maxBytes);
        }
        out.write(buffer, 0, n);
      }
      done = true;
      return total;
    } finally {
      if (!done) {
        Files.deleteIfExists(file);
      }
    }
  }

  static ApiException tooLarge(long maxBytes) {
    return new ApiException(413, "upload_too_large", "Payload too large",
        "uploads are limited to " + maxBytes + " bytes (trainyard.upload.max-bytes)");
  }

  /** Whether the file starts with the gzip magic number. */
  static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }
}
