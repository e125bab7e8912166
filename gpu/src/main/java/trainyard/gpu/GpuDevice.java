package trainyard.gpu;

import java.util.Objects;

/**
 * One CUDA device as the driver describes it. Immutable.
 *
 * @param ordinal      the driver's index of the device on this machine (what {@code cuDeviceGet} takes)
 * @param name         e.g. "NVIDIA H100 80GB HBM3"
 * @param memoryBytes  its total memory
 * @param computeMajor compute capability, major (9 for sm_90)
 * @param computeMinor compute capability, minor
 */
public record GpuDevice(int ordinal, String name, long memoryBytes, int computeMajor, int computeMinor) {
  public GpuDevice {
    Objects.requireNonNull(name, "name");
    if (ordinal < 0 || memoryBytes < 0) {
      throw new IllegalArgumentException("bad device: ordinal " + ordinal + ", " + memoryBytes + " bytes");
    }
  }
}
