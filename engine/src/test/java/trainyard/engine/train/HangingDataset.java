package trainyard.engine.train;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.DatasetStats;

/**
 * A dataset whose shard reads hang once {@link #hang()} is called, until {@link #close()}: a file
 * system that stopped answering. Thread-safe.
 */
final class HangingDataset implements Dataset, AutoCloseable {
  private final Dataset real;
  private final CountDownLatch unstick = new CountDownLatch(1);
  private volatile boolean hanging;

  HangingDataset(Dataset real) {
    this.real = real;
  }

  /** Reads from now on wait until {@link #close}. */
  void hang() {
    hanging = true;
  }

  @Override
  public DatasetStats stats() {
    return real.stats();
  }

  @Override
  public int shardCount() {
    return real.shardCount();
  }

  @Override
  public CsrBlock shard(int index) throws IOException {
    if (hanging) {
      try {
        unstick.await();
      } catch (InterruptedException e) {
        throw new InterruptedIOException("interrupted while the file system hung");
      }
    }
    return real.shard(index);
  }

  /** Lets every waiting read go on. */
  @Override
  public void close() {
    unstick.countDown();
  }
}
