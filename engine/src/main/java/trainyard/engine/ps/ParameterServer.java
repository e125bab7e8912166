package trainyard.engine.ps;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * S server shards behind one transport: what a job starts before its workers. Each shard gets
 * its own updater from {@code updaters} and owns the keys of one range of {@code ranges}.
 *
 * <p>Thread-safe for {@link #newWorker}. {@link #forEach}, {@link #save} and {@link #load} read
 * or write shard state directly: call them only while no worker has requests in flight.
 */
public final class ParameterServer implements AutoCloseable {
  private final List<ServerShard> shards = new ArrayList<>();
  private final KeyRanges ranges;
  private final Transport transport;
  private final InProcessTransport threaded;
  private final int pushWidth;
  private final int pullWidth;
  private final int rank = 0;
  private final AtomicInteger nextLocal = new AtomicInteger();

  /** How in-process servers run: on their own threads, or inside the sending worker's thread. */
  public enum Mode {
    /** A thread per shard ({@link InProcessTransport}): pushes overlap the workers' computation. */
    THREADS,
    /** No server threads ({@link DirectTransport}): best when cores are fewer than workers plus servers. */
    DIRECT
  }

  public ParameterServer(KeyRanges ranges, Supplier<Updater> updaters, int expectedKeys, String name) {
    this(ranges, updaters, expectedKeys, name, Mode.THREADS);
  }

  public ParameterServer(KeyRanges ranges, Supplier<Updater> updaters, int expectedKeys, String name, Mode mode) {
    this.ranges = ranges;
    Updater first = null;
    for (int s = 0; s < ranges.servers(); s++) {
      Updater u = updaters.get();
      first = first == null ? u : first;
      shards.add(new ServerShard(u, Math.max(16, expectedKeys / ranges.servers())));
    }
    this.pushWidth = first.pushWidth();
    this.pullWidth = first.pullWidth();
    this.threaded = mode == Mode.THREADS ? new InProcessTransport(shards, name) : null;
    this.transport = threaded != null ? threaded : new DirectTransport(shards);
  }

  /** A client for one worker thread, with the next free local id. */
  public KVWorker newWorker() {
    return newWorker(nextLocal.getAndIncrement());
  }

  /**
   * A client for one worker thread with global id {@code rank << 16 | local}; {@code local} in
   * [0, 65536) must be unique in this process's part of the job.
   */
  public KVWorker newWorker(int local) {
    if (local < 0 || local > 0xFFFF) {
      throw new IllegalArgumentException("local worker id must be in [0, 65535], got " + local);
    }
    return new KVWorker(transport, ranges, pushWidth, pullWidth, rank << 16 | local);
  }

  public int servers() {
    return shards.size();
  }

  public int pullWidth() {
    return pullWidth;
  }

  public long keyCount() {
    long n = 0;
    for (ServerShard s : shards) {
      n += s.keyCount();
    }
    return n;
  }

  public long memoryBytes() {
    long n = 0;
    for (ServerShard s : shards) {
      n += s.memoryBytes();
    }
    return n;
  }

  /** Visits every stored key with its pulled values, shard by shard. */
  public void forEach(ServerShard.KeyValueVisitor visitor) {
    checkHealthy();
    for (ServerShard s : shards) {
      s.forEach(visitor);
    }
  }

  public void save(DataOutput out) throws IOException {
    checkHealthy();
    out.writeInt(shards.size());
    for (ServerShard s : shards) {
      s.save(out);
    }
  }

  public void load(DataInput in) throws IOException {
    int n = in.readInt();
    if (n != shards.size()) {
      throw new IOException("checkpoint has " + n + " server shards, this job runs " + shards.size());
    }
    for (ServerShard s : shards) {
      s.load(in);
    }
  }

  /** Throws if a shard failed while applying a request. */
  public void checkHealthy() {
    Throwable f = threaded == null ? null : threaded.failure();
    if (f != null) {
      throw new IllegalStateException("a parameter server shard failed: " + f, f);
    }
  }

  @Override
  public void close() {
    transport.close();
  }
}
