package trainyard.api.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.TrainyardConfig;

/**
 * The first admin token. {@code trainyard.admin-token}, when set, is made an admin token of
 * tenant "admin"; otherwise the first start generates one and writes it to data/admin-token
 * (readable by the owner only). Thread-safe.
 */
@ApplicationScoped
public class AdminToken {
  static final String TENANT = "admin";

  @Inject TrainyardConfig config;
  @Inject Tokens tokens;
  @Inject BlobStore blobs;

  /** Makes sure an admin token exists; returns it if this call created it, else null. */
  public String ensure() {
    if (config.adminToken().isPresent()) {
      tokens.issue(TENANT, "configured admin token", true, config.adminToken().get());
      return null;
    }
    if (tokens.anyAdmin()) {
      return null;
    }
    String token = tokens.issue(TENANT, "first admin token", true).token();
    write(blobs.adminToken(), token);
    return token;
  }

  private static void write(Path file, String token) {
    try {
      Files.writeString(file, token + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the file keeps its default permissions
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the admin token to " + file, e);
    }
  }
}
