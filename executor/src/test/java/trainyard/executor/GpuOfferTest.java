package trainyard.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import trainyard.gpu.Devices;
import trainyard.gpu.GpuDevice;

class GpuOfferTest {
  private static final GpuDevice H200 = new GpuDevice(0, "NVIDIA H200", 150_754_820_096L, 9, 0);
  private static final GpuDevice A100 = new GpuDevice(1, "NVIDIA A100-SXM4-40GB", 42_505_273_344L, 8, 0);
  private static final Devices.Discovery TWO = new Devices.Discovery(List.of(H200, A100), null);

  @Test
  void withoutDevicesItIsACpuExecutorAndSaysWhy() {
    GpuOffer offer = GpuOffer.of(new Devices.Discovery(List.of(), "no NVIDIA driver: libcuda.so.1 not found"),
        OptionalInt.of(2));
    assertEquals(List.of(), offer.gpus());
    assertEquals("CPU executor: no NVIDIA driver: libcuda.so.1 not found", offer.line());
  }

  @Test
  void byDefaultEveryDeviceFoundIsOffered() {
    GpuOffer offer = GpuOffer.of(TWO, OptionalInt.empty());
    assertEquals(List.of(H200, A100), offer.gpus());
    assertEquals("offering 2 GPUs: 0 = NVIDIA H200 (140.4 GiB, compute 9.0); 1 = NVIDIA A100-SXM4-40GB (39.6 GiB, "
        + "compute 8.0)", offer.line());
  }

  @Test
  void aCapOffersTheLowestOrdinalsAndOneAboveWhatWasFoundIsCappedWithALine() {
    assertEquals(List.of(H200), GpuOffer.of(TWO, OptionalInt.of(1)).gpus());
    GpuOffer capped = GpuOffer.of(TWO, OptionalInt.of(4));
    assertEquals(List.of(H200, A100), capped.gpus());
    assertEquals("trainyard.executor.gpus is 4 but the driver found only 2 GPUs; offering 2 GPUs: 0 = NVIDIA H200 "
        + "(140.4 GiB, compute 9.0); 1 = NVIDIA A100-SXM4-40GB (39.6 GiB, compute 8.0)", capped.line());
    GpuOffer zero = GpuOffer.of(TWO, OptionalInt.of(0));
    assertEquals(List.of(), zero.gpus());
    assertEquals("CPU executor: trainyard.executor.gpus is 0; the driver found 2 GPUs", zero.line());
  }

  @Test
  void onThisMachineDiscoveryGivesAnOfferAndALine() {
    Devices.Discovery found = Devices.discover();
    GpuOffer offer = GpuOffer.discover(OptionalInt.empty());
    assertEquals(found.devices(), offer.gpus());
    assertEquals(found.devices().isEmpty(), offer.line().startsWith("CPU executor: "), offer.line());
  }
}
