package trainyard.engine.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * Receives training's progress. All calls but {@link #onMember} come from one thread, one at a
 * time (the caller's, or with a stall timeout the coordinator's own), so implementations need
 * not be thread-safe.
 */
public interface TrainListener {
  TrainListener NONE = new TrainListener() {};

  /**
   * After each completed epoch (1-based) with the number of minibatch steps taken so far by all
   * workers, and the metrics: train_loss, examples_per_sec, the validation metrics, and over
   * several members barrier_wait.
   */
  default void onEpoch(int epoch, long step, Map<String, Double> metrics) {}

  /** Fraction of all minibatches done, in [0, 1]; at most about once a second. */
  default void onProgress(double fraction) {}

  default void onLog(String line) {}

  /** A checkpoint was written completely at {@code dir}. */
  default void onCheckpoint(Path dir) {}

  /**
   * This process's member of the job, about once a second while it trains and at the end of each
   * epoch: its examples/s while training (since the last call within the epoch; over the whole
   * epoch at its end, the waits between epochs left out) and the bytes it sent and received over
   * the network so far. Unlike the other calls, this one comes from the member's own thread.
   */
  default void onMember(double examplesPerSec, long bytesSent, long bytesReceived) {}
}
