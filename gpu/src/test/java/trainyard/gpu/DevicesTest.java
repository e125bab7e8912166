package trainyard.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Real driver calls: on a machine without the driver they must say so, not crash. */
class DevicesTest {
  /** Where Debian and the NVIDIA installers put the driver's library. */
  private static boolean driverInstalled() {
    for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/nvidia/lib64")) {
      if (Files.exists(Path.of(dir, "libcuda.so.1"))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void withoutADriverThereAreNoDevicesAndOneReason() {
    Assumptions.assumeFalse(driverInstalled(), "this machine has the NVIDIA driver (libcuda.so.1)");
    for (int call = 0; call < 2; call++) { // the second call meets JCudaDriver's failed class init
      Devices.Discovery found = Devices.discover();
      assertEquals(List.of(), found.devices());
      assertEquals("no NVIDIA driver: libcuda.so.1 not found", found.reason());
    }
  }

  @Test
  void withoutADriverRequiringAGpuFailsNamingIt() {
    Assumptions.assumeFalse(driverInstalled(), "this machine has the NVIDIA driver (libcuda.so.1)");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.require(new int[] {0, 1}));
    assertEquals("no NVIDIA driver: libcuda.so.1 not found", e.getMessage());
  }

  @Test
  void withADriverEveryDeviceIsDescribed() {
    Assumptions.assumeTrue(driverInstalled(), "no NVIDIA driver (libcuda.so.1) on this machine");
    Devices.Discovery found = Devices.discover();
    if (found.devices().isEmpty()) {
      assertNotNull(found.reason());
      return;
    }
    assertNull(found.reason());
    for (int i = 0; i < found.devices().size(); i++) {
      GpuDevice d = found.devices().get(i);
      assertEquals(i, d.ordinal());
      assertTrue(!d.name().isBlank() && d.memoryBytes() > 0 && d.computeMajor() >= 3, d.toString());
    }
    Devices.require(new int[] {0});
    int missing = found.devices().size();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.require(new int[] {missing}));
    assertTrue(e.getMessage().contains("GPU " + missing + " does not exist"), e.getMessage());
  }
}
