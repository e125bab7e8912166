package trainyard.api.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness follows the data directory's free space on the real file system. */
class DiskCheckTest {
  @TempDir Path dir;

  @Test
  void upWhileFreeSpaceReachesTheThresholdDownBelowIt() {
    HealthCheckResponse up = DiskCheck.check(dir, 0);
    assertEquals(HealthCheckResponse.Status.UP, up.getStatus());
    long freeMb = (Long) up.getData().orElseThrow().get("free-mb");
    HealthCheckResponse down = DiskCheck.check(dir, freeMb + 1024);
    assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
    assertEquals(freeMb + 1024, down.getData().orElseThrow().get("min-free-mb"));
  }

  @Test
  void aDirectoryNotMadeYetIsMeasuredWhereItWillBe() {
    HealthCheckResponse notYet = DiskCheck.check(dir.resolve("not/made/yet"), 0);
    assertEquals(HealthCheckResponse.Status.UP, notYet.getStatus());
    long freeMb = (Long) notYet.getData().orElseThrow().get("free-mb");
    assertEquals(HealthCheckResponse.Status.DOWN, DiskCheck.check(dir.resolve("not/made/yet"), freeMb + 1024).getStatus());
  }
}
