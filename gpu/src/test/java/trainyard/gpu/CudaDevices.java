package trainyard.gpu;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuInit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.CudaException;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Assumptions;

/** Whether this machine can run the GPU tests, and if not, why: the reason their skips give. */
final class CudaDevices {
  private static final String UNAVAILABLE = probe();

  private CudaDevices() {}

  /** Skips the calling test, saying why, unless a CUDA device is there. */
  static void assume() {
    Assumptions.assumeTrue(UNAVAILABLE == null, () -> "no CUDA device: " + UNAVAILABLE);
  }

  private static String probe() {
    // Loading JCudaDriver fails with a LinkageError where libcuda.so.1 is absent; with exceptions
    // on, a driver without devices throws a CudaException naming its error.
    try {
      JCudaDriver.setExceptionsEnabled(true);
      try {
        cuInit(0);
        int[] count = new int[1];
        cuDeviceGetCount(count);
        return count[0] > 0 ? null : "the driver reports 0 devices";
      } finally {
        JCudaDriver.setExceptionsEnabled(false);
      }
    } catch (CudaException | LinkageError e) {
      return oneLine(e);
    }
  }

  /** JCuda's load error carries every attempt's stack trace; the line that matters names the missing library. */
  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    Matcher missing = Pattern.compile("([\\w.+-]+\\.so[.\\d]*: cannot open shared object file[^\\n]*)").matcher(message);
    return missing.find() ? missing.group(1) : message.lines().findFirst().orElse(message);
  }
}
