package trainyard.api.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import trainyard.api.platform.TrainyardConfig;

/**
 * Ready while the data directory's file system has at least
 * {@code trainyard.health.min-free-disk-mb} free: below it uploads, checkpoints and models would
 * soon fail with disk_full.
 */
@Readiness
@ApplicationScoped
public class DiskCheck implements HealthCheck {
  private static final String NAME = "disk";
  private static final long MB = 1024 * 1024;

  @Inject TrainyardConfig config;

  @Override
  public HealthCheckResponse call() {
    return check(config.dataDir(), config.health().minFreeDiskMb());
  }

  /**
   * The check of {@code dir}'s file system against {@code minFreeMb}. A directory not made yet
   * (a scheduler with an external broker stores nothing) is measured on the file system it will
   * be on: that of its nearest existing parent.
   */
  static HealthCheckResponse check(Path dir, long minFreeMb) {
    Path existing = dir.toAbsolutePath();
    while (!Files.exists(existing) && existing.getParent() != null) {
      existing = existing.getParent();
    }
    try {
      long freeMb = Files.getFileStore(existing).getUsableSpace() / MB;
      return HealthCheckResponse.named(NAME).status(freeMb >= minFreeMb)
          .withData("free-mb", freeMb).withData("min-free-mb", minFreeMb).build();
    } catch (IOException e) {
      return HealthCheckResponse.named(NAME).down().withData("error", e.getClass().getSimpleName()).build();
    }
  }
}
