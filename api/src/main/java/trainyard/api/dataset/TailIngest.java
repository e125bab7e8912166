package trainyard.api.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;
import trainyard.engine.data.Format;
import trainyard.engine.data.IngestException;
import trainyard.engine.io.FileTrees;

/**
 * Ingests a resumable upload's file while its chunks still arrive, so that the dataset is ready
 * soon after the last chunk instead of one whole ingestion later. It reads the file through a
 * channel of its own, never past the bytes the upload has made durable ({@link #advance}), and
 * waits there for more.
 *
 * <p>Until {@link #claim} it may give up, and the upload is then ingested after completion as
 * before: when no byte arrives for {@code idleNanos}, when another ingestion has waited a second
 * for the permit this one holds while it only waits for bytes, when its tenant cannot get a
 * permit at once, or on {@link #cancel}. Once claimed it reads to the end and hands how it
 * ended ({@link Ingested}) to the consumer given to {@link #end}, which finishes the dataset.
 *
 * <p>Thread-safe: a thread of its own runs the ingestion; the upload's requests call the rest.
 */
public final class TailIngest {
  private static final Logger LOG = Logger.getLogger(TailIngest.class);
  /** How often a wait for bytes looks at the clock and at the permit's queue. */
  private static final long WAKE_MILLIS = 250;
  /** How long another ingestion may wait for the permit while this one only waits for bytes. */
  private static final long YIELD_NANOS = 1_000_000_000L;

  private final String name;
  private final Path file;
  private final Format format;
  private final int hashBits;
  private final Path shards;
  private final IngestPermits permits;
  private final String tenant;
  private final long idleNanos;
  private final LongSupplier nanos;

  /** Bytes of the file that are durable; guarded by this. */
  private long committed;
  /** When committed last grew; guarded by this. */
  private long progressAt;
  /** Guarded by this. */
  private boolean claimed;
  /** Guarded by this. */
  private boolean gaveUp;
  /** Guarded by this. */
  private Ingested result;
  /** Guarded by this. */
  private Consumer<Ingested> onEnd;

  /**
   * @param file   the upload's file; read through a channel opened at start, so it may be renamed
   * @param shards where the shards go; must not exist
   * @param tenant whose permit it takes
   */
  TailIngest(String name, Path file, Format format, int hashBits, Path shards, IngestPermits permits, String tenant,
      long idleNanos, LongSupplier nanos) {
    this.name = name;
    this.file = file;
    this.format = format;
    this.hashBits = hashBits;
    this.shards = shards;
    this.permits = permits;
    this.tenant = tenant;
    this.idleNanos = idleNanos;
    this.nanos = nanos;
    this.progressAt = nanos.getAsLong();
  }

  /** Starts reading on a thread of its own, once {@code committed} bytes are durable. */
  public void start(long committed) {
    advance(committed);
    Thread t = new Thread(this::run, "trainyard-tail-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** The file now holds {@code committed} durable bytes. */
  public synchronized void advance(long committed) {
    if (committed > this.committed) {
      this.committed = committed;
      progressAt = nanos.getAsLong();
      notifyAll();
    }
  }

  /**
   * No byte will come after the first {@code size}: from now on this ingestion does not give up.
   * False if it already has; the caller then ingests the file another way.
   */
  public synchronized boolean claim(long size) {
    if (gaveUp) {
      return false;
    }
    advance(size);
    claimed = true;
    notifyAll();
    return true;
  }

  /** Hands the result to {@code consumer} once there is one (at once if there already is). */
  void end(Consumer<Ingested> consumer) {
    Ingested r;
    synchronized (this) {
      if (result == null) {
        onEnd = consumer;
        return;
      }
      r = result;
    }
    consumer.accept(r);
  }

  /**
   * Stops it for good, claimed or not, and deletes what it wrote; the consumer given to
   * {@link #end}, if any, is not called.
   */
  public void cancel() {
    boolean wrote;
    synchronized (this) {
      gaveUp = true;
      onEnd = null;
      notifyAll();
      wrote = result != null && result.shards() != null;
    }
    if (wrote) {
      deleteShards();
    }
  }

  /**
   * The bad lines that ended it before the upload did (the engine stops at the tenth), or null:
   * the upload need not go on.
   */
  public synchronized IngestException badLines() {
    return !gaveUp && result != null && result.error() instanceof IngestException bad ? bad : null;
  }

  /** Whether it gave up or was cancelled. */
  synchronized boolean gaveUp() {
    return gaveUp;
  }

  private void run() {
    IngestPermits.Permit permit = permits.tryAcquire(tenant);
    if (permit == null) {
      giveUp("the ingestion permits are taken");
      settle(Ingested.failed(new IOException("no ingest permit")));
      return;
    }
    Ingested r;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      FileTrees.deleteRecursively(shards); // left by a run that stopped
      r = Ingested.run(new Reader(channel), format, hashBits, shards);
    } catch (IOException e) {
      r = Ingested.failed(e);
    } finally {
      permit.release();
    }
    settle(r);
  }

  private void settle(Ingested r) {
    Consumer<Ingested> consumer;
    boolean discard;
    synchronized (this) {
      result = r;
      discard = gaveUp;
      consumer = gaveUp ? null : onEnd;
    }
    if (discard) {
      if (r.shards() != null) {
        deleteShards();
      }
    } else if (consumer != null) {
      consumer.accept(r);
    }
  }

  private void deleteShards() {
    try {
      FileTrees.deleteRecursively(shards);
    } catch (IOException e) {
      LOG.warnf("cannot delete %s: %s", shards, e.getMessage());
    }
  }

  private synchronized void giveUp(String why) {
    if (!claimed && !gaveUp) {
      gaveUp = true;
      LOG.infof("upload %s: ingesting while it arrives stopped (%s); it will be ingested once complete", name, why);
    }
  }

  /** The file up to the committed bytes, then waiting for more; its end once claimed. */
  private final class Reader extends InputStream {
    private final FileChannel channel;
    private long pos;

    Reader(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      long available = awaitBytes();
      if (available == 0) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, available)), pos);
      if (n < 0) {
        throw new IOException("the upload's file is shorter than its durable bytes");
      }
      pos += n;
      return n;
    }

    /** Bytes readable from pos (0 at the end); throws if the tail gave up. */
    private long awaitBytes() throws IOException {
      synchronized (TailIngest.this) {
        long waitingSince = -1;
        while (true) {
          if (gaveUp) {
            throw new IOException("the tail of upload " + name + " gave up");
          }
          if (pos < committed) {
            return committed - pos;
          }
          if (claimed) {
            return 0;
          }
          long now = nanos.getAsLong();
          if (now - progressAt > idleNanos) {
            giveUp("no chunk for " + idleNanos / 1_000_000_000L + " s");
            continue;
          }
          if (!permits.wanted(tenant)) {
            waitingSince = -1;
          } else if (waitingSince < 0) {
            waitingSince = now;
          } else if (now - waitingSince >= YIELD_NANOS) {
            giveUp("another ingestion waits for the permit");
            continue;
          }
          try {
            TailIngest.this.wait(WAKE_MILLIS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while waiting for upload " + name);
          }
        }
      }
    }
  }
}
