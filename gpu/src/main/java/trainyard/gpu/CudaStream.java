package trainyard.gpu;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * A {@link Stream} on a CUDA device. Copies go through a pinned host buffer, so they are truly
 * asynchronous; an upload takes the next free part of it, and the whole buffer is free again
 * once a download has drained the stream. Not thread-safe.
 */
final class CudaStream implements Stream {
  private final CudaAccelerator.Device device;
  private final CUstream stream = new CUstream();
  /** Live device allocations, freed on close. */
  private final List<CUdeviceptr> allocations = new ArrayList<>();
  private Pointer staging;
  private long stagingBytes;
  private long stagingUsed;

  CudaStream(CudaAccelerator.Device device) {
    this.device = device;
    begin();
    Cuda.check("cuStreamCreate", () -> cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING));
  }

  @Override
  public void begin() {
    Cuda.check("cuCtxSetCurrent", () -> cuCtxSetCurrent(device.context()));
  }

  @Override
  public DeviceBuffer floats(int n) {
    return allocate((long) n * Float.BYTES);
  }

  @Override
  public DeviceBuffer ints(int n) {
    return allocate((long) n * Integer.BYTES);
  }

  private DeviceBuffer allocate(long bytes) {
    CUdeviceptr p = new CUdeviceptr();
    Cuda.check("cuMemAlloc", () -> cuMemAlloc(p, Math.max(bytes, Float.BYTES)));
    allocations.add(p);
    return new Buffer(p);
  }

  @Override
  public void free(DeviceBuffer... buffers) {
    for (DeviceBuffer b : buffers) {
      if (b != null) {
        CUdeviceptr p = ((Buffer) b).ptr;
        allocations.remove(p);
        Cuda.check("cuMemFree", () -> cuMemFree(p));
      }
    }
  }

  @Override
  public void upload(float[] src, int n, DeviceBuffer dst) {
    if (n == 0) {
      return;
    }
    long bytes = (long) n * Float.BYTES;
    long at = stage(bytes);
    staged(at, bytes).asFloatBuffer().put(src, 0, n);
    copyUp(at, bytes, dst);
  }

  @Override
  public void upload(int[] src, int n, DeviceBuffer dst) {
    if (n == 0) {
      return;
    }
    long bytes = (long) n * Integer.BYTES;
    long at = stage(bytes);
    staged(at, bytes).asIntBuffer().put(src, 0, n);
    copyUp(at, bytes, dst);
  }

  private void copyUp(long at, long bytes, DeviceBuffer dst) {
    Pointer from = staging.withByteOffset(at);
    Cuda.check("cuMemcpyHtoDAsync", () -> cuMemcpyHtoDAsync(((Buffer) dst).ptr, from, bytes, stream));
  }

  @Override
  public void zero(DeviceBuffer dst, int n) {
    Cuda.check("cuMemsetD32Async", () -> cuMemsetD32Async(((Buffer) dst).ptr, 0, n, stream));
  }

  @Override
  public void download(DeviceBuffer src, int n, float[] dst) {
    if (n == 0) {
      drain();
      return;
    }
    long bytes = (long) n * Float.BYTES;
    long at = stage(bytes);
    Pointer to = staging.withByteOffset(at);
    Cuda.check("cuMemcpyDtoHAsync", () -> cuMemcpyDtoHAsync(to, ((Buffer) src).ptr, bytes, stream));
    drain();
    staged(at, bytes).asFloatBuffer().get(dst, 0, n);
  }

  @Override
  public void launch(Kernel kernel, int gridX, int gridY, int block, int sharedBytes, Object... args) {
    Pointer[] params = new Pointer[args.length];
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Buffer b) {
        params[i] = Pointer.to(b.ptr);
      } else if (a instanceof Integer v) {
        params[i] = Pointer.to(new int[] {v});
      } else if (a instanceof Float v) {
        params[i] = Pointer.to(new float[] {v});
      } else {
        throw new IllegalArgumentException(kernel.entry + " parameter " + i + " is a " + a.getClass().getName());
      }
    }
    Cuda.check(kernel.entry + " (cuLaunchKernel)", () -> cuLaunchKernel(device.function(kernel), gridX, gridY, 1,
        block, 1, 1, sharedBytes, stream, Pointer.to(params), null));
  }

  /** Where {@code bytes} of the pinned buffer are free: drains the stream (and grows the buffer) when none are left. */
  private long stage(long bytes) {
    if (stagingUsed + bytes > stagingBytes) {
      drain();
      if (bytes > stagingBytes) {
        if (staging != null) {
          Cuda.check("cuMemFreeHost", () -> cuMemFreeHost(staging));
        }
        long size = Math.max(bytes, 2 * stagingBytes);
        Pointer p = new Pointer();
        Cuda.check("cuMemAllocHost", () -> cuMemAllocHost(p, size));
        staging = p;
        stagingBytes = size;
      }
    }
    long at = stagingUsed;
    stagingUsed += (bytes + 255) & ~255L; // keep copies aligned
    return at;
  }

  private ByteBuffer staged(long at, long bytes) {
    return staging.getByteBuffer(at, bytes).order(ByteOrder.nativeOrder());
  }

  private void drain() {
    Cuda.check("cuStreamSynchronize", () -> cuStreamSynchronize(stream));
    stagingUsed = 0;
  }

  @Override
  public void close() {
    begin();
    drain();
    for (CUdeviceptr p : allocations) {
      Cuda.check("cuMemFree", () -> cuMemFree(p));
    }
    allocations.clear();
    if (staging != null) {
      Cuda.check("cuMemFreeHost", () -> cuMemFreeHost(staging));
      staging = null;
    }
    Cuda.check("cuStreamDestroy", () -> cuStreamDestroy(stream));
  }

  /** Device memory, possibly an offset into an allocation. */
  private static final class Buffer implements DeviceBuffer {
    final CUdeviceptr ptr;

    Buffer(CUdeviceptr ptr) {
      this.ptr = ptr;
    }

    @Override
    public DeviceBuffer at(int offset) {
      return new Buffer(ptr.withByteOffset((long) offset * Float.BYTES));
    }
  }
}
