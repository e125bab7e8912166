package trainyard.gpu;

/** A CUDA driver call failed; the message names the error and the call, e.g. "CUDA_ERROR_OUT_OF_MEMORY in cuMemAlloc". */
public final class CudaFailure extends RuntimeException {
  CudaFailure(String message) {
    super(message);
  }

  CudaFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
