package trainyard.bus;

import java.util.Objects;

/**
 * One GPU of an executor as its heartbeat reports it, and the job using it. Immutable.
 *
 * @param ordinal      the CUDA driver's index of the device on its machine
 * @param name         e.g. "NVIDIA H100 80GB HBM3"
 * @param memoryBytes  its total memory
 * @param computeMajor compute capability, major (9 for sm_90)
 * @param computeMinor compute capability, minor
 * @param jobId        the job that holds it now, or null when it is free
 */
public record Gpu(int ordinal, String name, long memoryBytes, int computeMajor, int computeMinor, String jobId) {
  public Gpu {
    Objects.requireNonNull(name, "name");
    if (ordinal < 0) {
      throw new IllegalArgumentException("GPU ordinal must be >= 0, got " + ordinal);
    }
  }

  public boolean free() {
    return jobId == null;
  }
}
