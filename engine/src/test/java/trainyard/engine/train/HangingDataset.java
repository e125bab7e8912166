package trainyard.engine.train;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.DatasetStats;

/**
 * A dataset on a troubled file system: its shard reads hang once {@link #hang()} is called, until
 * {@link #close()}, and the first few may be slow ({@link #slowReads}). Thread-safe.
 */
final class HangingDataset implements Dataset, AutoCloseable {
  private final Dataset real;
  private final CountDownLatch unstick = new CountDownLatch(1);
  private final CountDownLatch hung = new CountDownLatch(1);
  private volatile boolean hanging;
  private final AtomicInteger slowReads = new AtomicInteger();
  private volatile long readMillis;

  HangingDataset(Dataset real) {
    this.real = real;
  }

  /** The next {@code count} reads take {@code millis} each before they return. */
  void slowReads(int count, long millis) {
    readMillis = millis;
    slowReads.set(count);
  }

  /** Reads from now on wait until {@link #close}. */
  void hang() {
    hanging = true;
  }

  /** Waits until a read hangs; false when none did within {@code seconds}. */
  boolean awaitHungRead(long seconds) throws InterruptedException {
    return hung.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public DatasetStats stats() {
    return real.stats();
  }

  @Override
  public int shardCount() {
    return real.shardCount();
  }

  /** Known without a read, as from a dataset's manifest. */
  @Override
  public int shardRows(int index) throws IOException {
    return real.shardRows(index);
  }

  @Override
  public CsrBlock shard(int index) throws IOException {
    try {
      if (hanging) {
        hung.countDown();
        unstick.await();
      }
      if (slowReads.getAndDecrement() > 0) {
        Thread.sleep(readMillis);
      }
    } catch (InterruptedException e) {
      throw new InterruptedIOException("interrupted while the file system hung");
    }
    return real.shard(index);
  }

  /** Lets every waiting read go on. */
  @Override
  public void close() {
    unstick.countDown();
  }
}
