package trainyard.gpu;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;

import java.util.ArrayList;
import java.util.List;
import jcuda.CudaException;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA devices of this machine, from the driver API alone (it needs only the NVIDIA
 * driver's {@code libcuda.so.1}, no CUDA toolkit). Stateless and thread-safe.
 */
public final class Devices {
  private Devices() {}

  /**
   * What the driver found, or why there is nothing to use.
   *
   * @param devices by ordinal; empty when the machine has no driver or no device
   * @param reason  why {@code devices} is empty ("no NVIDIA driver: libcuda.so.1 not found", a
   *                CUDA error's name); null when it is not
   */
  public record Discovery(List<GpuDevice> devices, String reason) {
    public Discovery {
      devices = List.copyOf(devices);
    }
  }

  /** Every device the driver lists; never throws: a machine without one gets the reason. */
  public static Discovery discover() {
    try {
      int count = deviceCount();
      if (count == 0) {
        return new Discovery(List.of(), "the NVIDIA driver lists no CUDA device");
      }
      List<GpuDevice> devices = new ArrayList<>(count);
      for (int ordinal = 0; ordinal < count; ordinal++) {
        devices.add(describe(ordinal));
      }
      return new Discovery(devices, null);
    } catch (CudaException | LinkageError e) {
      return new Discovery(List.of(), reason(e));
    }
  }

  /**
   * Checks that every one of {@code ordinals} is a device the driver gives this process.
   *
   * @throws IllegalStateException naming the missing driver, or the ordinal and its CUDA error
   */
  public static void require(int[] ordinals) {
    int count;
    try {
      count = deviceCount();
    } catch (CudaException | LinkageError e) {
      throw new IllegalStateException(reason(e), e);
    }
    for (int ordinal : ordinals) {
      if (ordinal < 0 || ordinal >= count) {
        throw new IllegalStateException("GPU " + ordinal + " does not exist: the driver lists " + count
            + (count == 1 ? " device" : " devices"));
      }
      try {
        JCudaDriver.cuDeviceGet(new CUdevice(), ordinal);
      } catch (CudaException e) {
        throw new IllegalStateException("GPU " + ordinal + ": " + reason(e), e);
      }
    }
  }

  private static int deviceCount() {
    JCudaDriver.setExceptionsEnabled(true);
    JCudaDriver.cuInit(0);
    int[] count = new int[1];
    JCudaDriver.cuDeviceGetCount(count);
    return count[0];
  }

  private static GpuDevice describe(int ordinal) {
    CUdevice device = new CUdevice();
    JCudaDriver.cuDeviceGet(device, ordinal);
    byte[] name = new byte[256];
    JCudaDriver.cuDeviceGetName(name, name.length, device);
    long[] memory = new long[1];
    JCudaDriver.cuDeviceTotalMem(memory, device);
    int[] major = new int[1];
    int[] minor = new int[1];
    JCudaDriver.cuDeviceGetAttribute(major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    JCudaDriver.cuDeviceGetAttribute(minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    return new GpuDevice(ordinal, cString(name), memory[0], major[0], minor[0]);
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * Why JCuda's driver library did not load, from the first failure: it fails once with an
   * UnsatisfiedLinkError naming libcuda.so.1, and every later call meets a NoClassDefFoundError
   * ("Could not initialize class") that may not carry that first error.
   */
  private static volatile String unloadable;

  /** One line for a log: the CUDA error's name, or why the driver library did not load. */
  static String reason(Throwable e) {
    if (e instanceof CudaException) {
      return "CUDA driver error " + e.getMessage();
    }
    String first = unloadable;
    if (first == null) {
      first = String.valueOf(e.getMessage()).contains("libcuda.so") ? "no NVIDIA driver: libcuda.so.1 not found"
          : "cannot load JCuda's driver library: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      unloadable = first;
    }
    return first;
  }
}
