package trainyard.gpu;

import java.util.ArrayList;
import java.util.List;
import trainyard.engine.model.Accelerator;
import trainyard.engine.model.Loss;

/**
 * An {@link Accelerator} whose passes run {@link DeviceOps} on streams a subclass opens, one per
 * pass. Thread-safe; closing it closes every stream it opened, then {@link #release()}.
 */
abstract class KernelAccelerator implements Accelerator {
  /** Guarded by this. */
  private final List<Stream> streams = new ArrayList<>();
  /** Guarded by this. */
  private boolean closed;

  /** A new stream for the {@code index}-th pass (0, 1, …). */
  abstract Stream newStream(int index);

  /** Frees what the subclass holds beyond the streams. */
  abstract void release();

  @Override
  public synchronized MlpPass mlp(int[] sizes, boolean softmax, int maxRows) {
    return new DeviceMlp(new DeviceOps(stream()), sizes, softmax, maxRows);
  }

  @Override
  public synchronized FmPass fm(Loss loss, int dim, float l2) {
    return new DeviceFm(new DeviceOps(stream()), loss, dim, l2);
  }

  private Stream stream() {
    if (closed) {
      throw new IllegalStateException("the accelerator is closed");
    }
    Stream s = newStream(streams.size());
    streams.add(s);
    return s;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (Stream s : streams) {
        s.close();
      }
    } finally {
      release();
    }
  }
}
