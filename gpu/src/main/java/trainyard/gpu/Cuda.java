package trainyard.gpu;

import java.util.function.IntSupplier;
import jcuda.CudaException;
import jcuda.driver.CUresult;

/** Turns a driver call's result into a {@link CudaFailure} naming the error and the call, whether or not JCuda's exceptions are enabled. */
final class Cuda {
  private Cuda() {}

  static void check(String call, IntSupplier result) {
    int r;
    try {
      r = result.getAsInt();
    } catch (CudaException e) {
      throw new CudaFailure(e.getMessage() + " in " + call, e);
    }
    if (r != CUresult.CUDA_SUCCESS) {
      throw new CudaFailure(CUresult.stringFor(r) + " in " + call);
    }
  }
}
