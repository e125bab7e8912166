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
 * its own updater from {@code updaters} and owns the keys of one range of {@code ranges}. In a
 * distributed job each process is a {@linkplain #member member} that holds some of the shards
 * (its local ones) and reaches the others over the network; workers see no difference.
 *
 * <p>Thread-safe for {@link #newWorker}, {@link #sendControl} and the byte counters.
 * {@link #forEach}, {@link #save} and {@link #load} read or write local shard state directly:
 * call them only while no worker has requests in flight.
 */
public final class ParameterServer implements AutoCloseable, KeyValues {
  /** By global server index; null where another member holds the shard. */
  private final ServerShard[] shards;
  private final List<ServerShard> local = new ArrayList<>();
  private final KeyRanges ranges;
  private final Transport transport;
  private final InProcessTransport threaded;
  /** Null in a single-process job. */
  private final Member member;
  private final int pushWidth;
  private final int pullWidth;
  private final int rank;
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

  /** Every shard in this process. */
  public ParameterServer(KeyRanges ranges, Supplier<Updater> updaters, int expectedKeys, String name, Mode mode) {
    this(ranges, updaters, expectedKeys, name, mode, null, null, null);
  }

  /** The shards {@code membership} gives this process (all of them without one). */
  private ParameterServer(KeyRanges ranges, Supplier<Updater> updaters, int expectedKeys, String name, Mode mode,
      DataPort port, Membership membership, ControlHandler control) {
    int[] owners = membership == null ? new int[ranges.servers()] : membership.owners();
    if (owners.length != ranges.servers()) {
      throw new IllegalArgumentException("the membership names owners of " + owners.length
          + " server shards, the key ranges have " + ranges.servers());
    }
    this.ranges = ranges;
    this.rank = membership == null ? 0 : membership.rank();
    this.shards = new ServerShard[owners.length];
    Updater first = null;
    for (int s = 0; s < owners.length; s++) {
      if (owners[s] == rank) {
        Updater u = updaters.get();
        first = first == null ? u : first;
        shards[s] = new ServerShard(u, Math.max(16, expectedKeys / owners.length));
        local.add(shards[s]);
      }
    }
    // A member without shards still needs the widths its workers send and receive.
    first = first == null ? updaters.get() : first;
    this.pushWidth = first.pushWidth();
    this.pullWidth = first.pullWidth();
    this.threaded = mode == Mode.THREADS ? new InProcessTransport(local, name) : null;
    Transport here = threaded != null ? threaded : new DirectTransport(local);
    if (membership == null) {
      this.member = null;
      this.transport = here;
    } else {
      this.member = new Member(port, membership, here, pushWidth, pullWidth, control);
      this.transport = member;
    }
  }

  /**
   * This process's part of a distributed job: the shards {@code membership.owners()} gives its
   * rank, served on {@code port}, and one connection to every other member's data port for the
   * rest. {@code mode} says where local shards run: on a thread each, or (DIRECT) in the thread
   * that delivers the request: a local worker's, or the network thread that read a peer's, which
   * then writes the reply without a hand-off. {@code control} receives
   * the members' control messages and hears of a failure. Blocks until every peer is connected
   * and runs the same attempt, retrying for up to {@code membership.connectTimeout()}; throws
   * {@link IllegalStateException} naming the peer when one cannot be reached, is silent or
   * refuses (stale attempt).
   */
  public static ParameterServer member(DataPort port, Membership membership, KeyRanges ranges,
      Supplier<Updater> updaters, int expectedKeys, Mode mode, ControlHandler control) {
    ParameterServer ps = new ParameterServer(ranges, updaters, expectedKeys,
        membership.job() + "-r" + membership.rank(), mode, port, membership, control);
    ps.member.start();
    return ps;
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

  /** Server shards in the whole job. */
  public int servers() {
    return shards.length;
  }

  /** The global indexes of the shards this process holds, ascending. */
  public int[] localServers() {
    int[] out = new int[local.size()];
    int n = 0;
    for (int s = 0; s < shards.length; s++) {
      if (shards[s] != null) {
        out[n++] = s;
      }
    }
    return out;
  }

  @Override
  public int pullWidth() {
    return pullWidth;
  }

  /** Keys stored in the local shards. */
  @Override
  public long keyCount() {
    long n = 0;
    for (ServerShard s : local) {
      n += s.keyCount();
    }
    return n;
  }

  /** Bytes held by the local shards. */
  public long memoryBytes() {
    long n = 0;
    for (ServerShard s : local) {
      n += s.memoryBytes();
    }
    return n;
  }

  /**
   * The local shards' values by key, as they stand: what scores validation rows where the model
   * lives, without assembling it. Call only while no worker has requests in flight, like {@link
   * #forEach}.
   */
  public Reader reader() {
    checkHealthy();
    return new Reader();
  }

  /**
   * Reads the local shards by handle: {@link #locate} numbers the keys they hold, {@link #values}
   * gives every key's pulled values by handle. Handles stay valid while the local shards hold the
   * same keys (a count of {@link #keys()}: shards never drop a key). Not thread-safe.
   */
  public final class Reader {
    /** Per local shard: its first handle; one more entry for the end. */
    private final long[] base = new long[local.size() + 1];
    /** Per global server: its index among the local shards, or -1. */
    private final int[] localIndex = new int[shards.length];

    private Reader() {
      for (int i = 0, s = 0; s < shards.length; s++) {
        localIndex[s] = shards[s] == null ? -1 : i++;
      }
      for (int i = 0; i < local.size(); i++) {
        base[i + 1] = base[i] + local.get(i).keyCount();
      }
      if (base[local.size()] > Integer.MAX_VALUE) {
        throw new IllegalStateException("a reader numbers at most 2^31 - 1 keys, the local shards hold "
            + base[local.size()]);
      }
    }

    /** Keys the local shards hold: handles are numbers below it. */
    public long keys() {
      return base[base.length - 1];
    }

    /** The handle of {@code key}, or -1 when no local shard holds it. */
    public int locate(long key) {
      int i = localIndex[ranges.owner(key)];
      if (i < 0) {
        return -1;
      }
      int record = local.get(i).find(key);
      return record < 0 ? -1 : (int) base[i] + record;
    }

    /**
     * Every handle's pulled values, {@link #pullWidth} floats each, in handle order: one pass over
     * the local shards' state, so that scoring many rows reads a dense array (4 · pullWidth bytes
     * a local key), not each entry's record through its updater.
     */
    public float[] values() {
      long n = keys();
      if (n * pullWidth > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException(n + " keys of " + pullWidth + " floats are too many to read at once");
      }
      float[] out = new float[(int) n * pullWidth];
      int[] h = {0};
      forEach((key, vals) -> {
        if (h[0] == n) {
          throw new IllegalStateException("the local shards hold more than the " + n + " keys of this reader");
        }
        System.arraycopy(vals, 0, out, h[0]++ * pullWidth, pullWidth);
      });
      return out;
    }
  }

  /** Visits every key stored in the local shards with its pulled values, shard by shard. */
  @Override
  public void forEach(ServerShard.KeyValueVisitor visitor) {
    checkHealthy();
    for (ServerShard s : local) {
      s.forEach(visitor);
    }
  }

  /** The local shards, in global order: ascending key ranges. */
  @Override
  public List<KeyValues> shards() {
    checkHealthy();
    List<KeyValues> parts = new ArrayList<>();
    for (ServerShard s : local) {
      parts.add(KeyValues.shard(pullWidth, s.keyCount(), visitor -> {
        checkHealthy();
        s.forEach(visitor);
      }));
    }
    return parts;
  }

  /** Writes the local shards, in global order. */
  public void save(DataOutput out) throws IOException {
    checkHealthy();
    out.writeInt(local.size());
    for (ServerShard s : local) {
      s.save(out);
    }
  }

  /** Restores what {@link #save} wrote, into empty local shards. */
  public void load(DataInput in) throws IOException {
    int n = in.readInt();
    if (n != local.size()) {
      throw new IOException("checkpoint has " + n + " server shards, this process holds " + local.size());
    }
    for (ServerShard s : local) {
      s.load(in);
    }
  }

  /** Writes local shard {@code server} (a global index): one checkpoint file per shard. */
  public void save(int server, DataOutput out) throws IOException {
    checkHealthy();
    shard(server).save(out);
  }

  /** Restores what {@link #save(int, DataOutput)} wrote into empty local shard {@code server}. */
  public void load(int server, DataInput in) throws IOException {
    shard(server).load(in);
  }

  private ServerShard shard(int server) {
    if (server < 0 || server >= shards.length || shards[server] == null) {
      throw new IllegalArgumentException("server shard " + server + " is not held here (rank " + rank
          + ", of " + shards.length + " shards)");
    }
    return shards[server];
  }

  /**
   * Sends {@code payload} to member {@code rank} of a distributed job, whose control handler
   * receives it on a network thread; messages to one rank arrive in send order. Throws once the
   * group failed, and in a single-process job.
   */
  public void sendControl(int rank, byte[] payload) {
    requireMember().sendControl(rank, payload);
  }

  /** Bytes of requests, replies and control messages this member sent over the network. */
  public long bytesSent() {
    return member == null ? 0 : member.bytesSent();
  }

  /** Bytes of requests, replies and control messages this member received over the network. */
  public long bytesReceived() {
    return member == null ? 0 : member.bytesReceived();
  }

  private Member requireMember() {
    if (member == null) {
      throw new IllegalStateException("control messages need a distributed job (ParameterServer.member)");
    }
    return member;
  }

  /**
   * Why this member's group failed (a peer broke, left, went silent or refused it), or null: in a
   * single-process job, or while the group is healthy.
   */
  public RuntimeException networkFailure() {
    return member == null || member.closed() ? null : member.failure();
  }

  /** Throws if a shard failed while applying a request, or the member's group failed. */
  public void checkHealthy() {
    Throwable f = threaded == null ? null : threaded.failure();
    if (f != null) {
      throw new IllegalStateException("a parameter server shard failed: " + f, f);
    }
    RuntimeException g = member == null ? null : member.failure();
    if (g != null && !member.closed()) {
      throw Member.failed(g);
    }
  }

  /** Stops the local shards and, for a member, its connections; workers waiting on them throw. */
  @Override
  public void close() {
    transport.close();
  }
}
