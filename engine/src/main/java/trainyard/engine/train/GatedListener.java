package trainyard.engine.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * A listener that passes calls on until closed, then drops them: what a coordinator thread that
 * was given up reports once it wakes is stale ({@link Pulse}). Thread-safe.
 */
final class GatedListener implements TrainListener {
  private final TrainListener to;
  private volatile boolean open = true;

  GatedListener(TrainListener to) {
    this.to = to;
  }

  void close() {
    open = false;
  }

  @Override
  public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
    if (open) {
      to.onEpoch(epoch, step, metrics);
    }
  }

  @Override
  public void onProgress(double fraction) {
    if (open) {
      to.onProgress(fraction);
    }
  }

  @Override
  public void onLog(String line) {
    if (open) {
      to.onLog(line);
    }
  }

  @Override
  public void onCheckpoint(Path dir) {
    if (open) {
      to.onCheckpoint(dir);
    }
  }

  @Override
  public void onMember(double examplesPerSec, long bytesSent, long bytesReceived) {
    if (open) {
      to.onMember(examplesPerSec, bytesSent, bytesReceived);
    }
  }
}
