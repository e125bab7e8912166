package trainyard.gpu;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/**
 * The engine's passes on CUDA devices, through the driver API and the project's own kernels
 * (PTX shipped as a resource, compiled by the driver for each device when loaded). Each pass a
 * worker asks for gets its own stream, on the devices in turn. Thread-safe; close it after the
 * job. Every failing driver call throws a {@link CudaFailure} naming the error and the call.
 */
public final class CudaAccelerator extends KernelAccelerator {
  private final List<Device> devices;

  private CudaAccelerator(List<Device> devices) {
    this.devices = devices;
  }

  /**
   * Opens the devices with these ordinals (their primary contexts) and loads the kernels on
   * each.
   *
   * @throws CudaFailure when the driver, a device or the module fails
   * @throws LinkageError when the NVIDIA driver (libcuda.so.1) is not installed
   */
  public static CudaAccelerator open(int[] ordinals) {
    if (ordinals.length == 0) {
      throw new IllegalArgumentException("ordinals must name at least one device");
    }
    Cuda.check("cuInit", () -> cuInit(0));
    byte[] ptx = ptx();
    List<Device> devices = new ArrayList<>();
    try {
      for (int ordinal : ordinals) {
        devices.add(Device.open(ordinal, ptx));
      }
    } catch (RuntimeException e) {
      for (Device d : devices) {
        d.close();
      }
      throw e;
    }
    return new CudaAccelerator(devices);
  }

  /** The first device's FP32 peak in GFLOP/s: multiprocessors × clock × 128 FP32 lanes × 2 (a fused multiply-add). */
  public double fp32PeakGflops() {
    Device d = devices.get(0);
    int sms = d.attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    int khz = d.attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
    return sms * (khz / 1e6) * 128 * 2;
  }

  /**
   * Times {@code repeats} n×n×n SGEMMs of the kind the MLP runs (C = A·B) on the first device, after
   * one warm-up, and returns GFLOP/s (2n³ per product).
   */
  public double sgemmGflops(int n, int repeats) {
    try (CudaStream s = new CudaStream(devices.get(0))) {
      DeviceOps ops = new DeviceOps(s);
      float[] host = new float[n * n];
      java.util.Random r = new java.util.Random(1);
      for (int i = 0; i < host.length; i++) {
        host[i] = r.nextFloat() - 0.5f;
      }
      DeviceBuffer a = s.floats(n * n);
      DeviceBuffer b = s.floats(n * n);
      DeviceBuffer c = s.floats(n * n);
      s.upload(host, n * n, a);
      s.upload(host, n * n, b);
      ops.gemm(false, false, n, n, n, a, b, c);
      float[] one = new float[1];
      s.download(c, 1, one);
      long start = System.nanoTime();
      for (int i = 0; i < repeats; i++) {
        ops.gemm(false, false, n, n, n, a, b, c);
      }
      s.download(c, 1, one);
      double seconds = (System.nanoTime() - start) / 1e9;
      return 2.0 * n * n * (double) n * repeats / seconds / 1e9;
    }
  }

  @Override
  Stream newStream(int index) {
    return new CudaStream(devices.get(index % devices.size()));
  }

  @Override
  void release() {
    for (Device d : devices) {
      d.close();
    }
  }

  /** The module as the driver wants it: NUL-terminated PTX text. */
  private static byte[] ptx() {
    try (InputStream in = CudaAccelerator.class.getResourceAsStream(Kernel.PTX)) {
      if (in == null) {
        throw new IllegalStateException("the kernels' PTX " + Kernel.PTX + " is not on the classpath");
      }
      byte[] text = in.readAllBytes();
      return java.util.Arrays.copyOf(text, text.length + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One device: its primary context and the kernels loaded in it. Thread-safe after open. */
  static final class Device {
    private final CUdevice device;
    private final CUcontext context;
    private final CUmodule module;
    private final Map<Kernel, CUfunction> functions;

    private Device(CUdevice device, CUcontext context, CUmodule module, Map<Kernel, CUfunction> functions) {
      this.device = device;
      this.context = context;
      this.module = module;
      this.functions = functions;
    }

    static Device open(int ordinal, byte[] ptx) {
      CUdevice device = new CUdevice();
      Cuda.check("cuDeviceGet(" + ordinal + ")", () -> cuDeviceGet(device, ordinal));
      CUcontext context = new CUcontext();
      Cuda.check("cuDevicePrimaryCtxRetain", () -> cuDevicePrimaryCtxRetain(context, device));
      try {
        Cuda.check("cuCtxSetCurrent", () -> cuCtxSetCurrent(context));
        CUmodule module = new CUmodule();
        Cuda.check("cuModuleLoadData", () -> cuModuleLoadData(module, ptx));
        Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
        for (Kernel k : Kernel.values()) {
          CUfunction f = new CUfunction();
          Cuda.check("cuModuleGetFunction(" + k.entry + ")", () -> cuModuleGetFunction(f, module, k.entry));
          functions.put(k, f);
        }
        return new Device(device, context, module, functions);
      } catch (RuntimeException e) {
        cuDevicePrimaryCtxRelease(device);
        throw e;
      }
    }

    CUcontext context() {
      return context;
    }

    CUfunction function(Kernel k) {
      return functions.get(k);
    }

    int attribute(int attribute) {
      int[] v = new int[1];
      Cuda.check("cuDeviceGetAttribute", () -> cuDeviceGetAttribute(v, attribute, device));
      return v[0];
    }

    void close() {
      Cuda.check("cuCtxSetCurrent", () -> cuCtxSetCurrent(context));
      Cuda.check("cuModuleUnload", () -> cuModuleUnload(module));
      Cuda.check("cuDevicePrimaryCtxRelease", () -> cuDevicePrimaryCtxRelease(device));
    }
  }
}
