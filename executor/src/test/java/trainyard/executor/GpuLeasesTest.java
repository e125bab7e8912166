package trainyard.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import trainyard.bus.Gpu;
import trainyard.gpu.GpuDevice;

class GpuLeasesTest {
  private final GpuLeases leases = new GpuLeases("e1", List.of(
      new GpuDevice(0, "NVIDIA H200", 150_754_820_096L, 9, 0), new GpuDevice(1, "NVIDIA H200", 150_754_820_096L, 9, 0)));

  private List<String> holders() {
    return leases.snapshot().stream().map(g -> g.ordinal() + ":" + g.jobId()).toList();
  }

  @Test
  void twoJobsNeverHoldTheSameGpu() {
    leases.take("a", List.of(1));
    GpuUnavailableException e = assertThrows(GpuUnavailableException.class, () -> leases.take("b", List.of(0, 1)));
    assertEquals("GPU 1 of executor e1 is held by job a", e.getMessage());
    assertEquals(List.of("0:null", "1:a"), holders(), "all or nothing: b took not even GPU 0");
    assertEquals(1, leases.free());
  }

  @Test
  void aJobEndingFreesItsGpusForTheNext() {
    leases.take("a", List.of(0, 1));
    assertEquals(0, leases.free());
    leases.release("a");
    assertEquals(List.of("0:null", "1:null"), holders());
    leases.take("b", List.of(1));
    leases.release("a"); // a again: holds nothing now, frees nothing
    assertEquals(List.of("0:null", "1:b"), holders());
  }

  @Test
  void anOrdinalTheExecutorDoesNotOfferIsRefused() {
    GpuUnavailableException e = assertThrows(GpuUnavailableException.class, () -> leases.take("a", List.of(2)));
    assertEquals("executor e1 has no GPU 2; it offers [0, 1]", e.getMessage());
    GpuUnavailableException none = assertThrows(GpuUnavailableException.class,
        () -> new GpuLeases("cpu", List.of()).take("a", List.of(0)));
    assertEquals("executor cpu has no GPU 0; it offers none", none.getMessage());
  }

  @Test
  void theSnapshotDescribesEachDevice() {
    leases.take("a", List.of(0));
    assertEquals(new Gpu(0, "NVIDIA H200", 150_754_820_096L, 9, 0, "a"), leases.snapshot().get(0));
  }
}
