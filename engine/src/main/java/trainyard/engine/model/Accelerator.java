package trainyard.engine.model;

/**
 * Device compute for the engine's passes, without the engine knowing the device. A backend (the
 * gpu module's {@code CudaAccelerator}) keeps weights, activations and gradients resident on the
 * device: per minibatch only the pulled values and the rows go up, and only the gradient to push
 * (and one loss per row) comes down. A job without one runs on the CPU.
 *
 * <p>Thread-safe. Each worker asks for its own pass, which is not thread-safe and runs on its own
 * stream; {@link #close()} frees every pass the accelerator made, so call it after the job.
 * Device failures surface as unchecked exceptions that name the device's error.
 */
public interface Accelerator extends AutoCloseable {
  /**
   * One worker's MLP pass: ReLU hidden layers, then softmax over {@code sizes[last]} classes or
   * one logistic unit; parameters laid out as in {@link MlpAlgorithm} (per layer W (in×out,
   * row-major) then b).
   */
  MlpPass mlp(int[] sizes, boolean softmax, int maxRows);

  /** One worker's FM pass with {@code dim} factors, as {@link FmAlgorithm} computes it on the CPU. */
  FmPass fm(Loss loss, int dim, float l2);

  @Override
  void close();

  /** Not thread-safe: one per worker. */
  interface MlpPass {
    /**
     * Forward and backward over {@code rows} dense input rows {@code x} (rows × sizes[0]) with
     * {@code labels} (class indexes, or > 0 for positive) and the pulled {@code weights}; writes
     * the gradient of the mean loss into {@code grad} and returns the summed loss. Returns when
     * {@code grad} is filled.
     */
    double gradient(float[] weights, float[] x, float[] labels, int rows, float[] grad);
  }

  /** Not thread-safe: one per worker. */
  interface FmPass {
    /**
     * One minibatch of {@code rows} rows over {@code keys} pulled keys, {@code pull} holding
     * [w, V] per key and {@code push} receiving [count, ∂w, ∂V] per key. Row i's entries are
     * positions {@code rowStart[i] .. rowStart[i+1])} of {@code key} (a key's index in the pull)
     * and {@code x} (its value), the first of them the bias key, whose value is unused;
     * {@code counts} is each key's count in the minibatch. Returns the summed loss.
     */
    double gradient(float[] pull, int keys, int[] key, float[] x, int[] rowStart, float[] labels, int rows,
        int[] counts, float[] push);
  }
}
