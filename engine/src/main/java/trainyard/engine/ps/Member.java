package trainyard.engine.ps;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One member's transport in a distributed job: requests for local shards go to the local
 * transport (a thread per shard, FIFO, or run at once under the shard's lock), requests for other
 * members' shards over one {@link PeerLink} per peer, whose connection the peer reads in order.
 * Requests from one worker to one server therefore keep their order on either path.
 *
 * <p>The member's group fails as a whole, once: a peer lost, silent or refusing us wakes every
 * worker waiting on it with the cause, makes every later send throw, tells the control handler
 * and closes the connections both ways, so peers learn of it too.
 *
 * <p>Thread-safe.
 */
final class Member implements Transport {
  final Membership membership;
  final DataPort port;
  final String job;
  final long jobKey;
  final int attempt;
  final int rank;
  final int pushWidth;
  final int pullWidth;
  /** The shards held here: on their own threads, or run by whoever delivers a request. */
  private final Transport local;
  /** Per global server: its index among the local shards, or -1 when a peer holds it. */
  private final int[] localIndex;
  /** Per rank: the connection to that peer; null for this member. */
  private final PeerLink[] links;
  private final ControlHandler handler;
  private final ChannelGroup inbound;
  /** Runs control messages to self, in send order. */
  private final EventExecutor loop;
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile boolean serving = true;
  private volatile boolean closed;

  Member(DataPort port, Membership membership, Transport local, int pushWidth, int pullWidth,
      ControlHandler handler) {
    this.port = port;
    this.membership = membership;
    this.job = membership.job();
    this.jobKey = Frames.jobKey(job);
    this.attempt = membership.attempt();
    this.rank = membership.rank();
    this.local = local;
    this.pushWidth = pushWidth;
    this.pullWidth = pullWidth;
    this.handler = handler;
    int[] owners = membership.owners();
    localIndex = new int[owners.length];
    int n = 0;
    for (int s = 0; s < owners.length; s++) {
      localIndex[s] = owners[s] == rank ? n++ : -1;
    }
    links = new PeerLink[membership.members().size()];
    loop = port.group().next();
    inbound = new DefaultChannelGroup(loop);
  }

  /** Serves this member's shards on the data port, then connects to every peer; throws if one fails. */
  void start() {
    port.register(this);
    long deadline = System.nanoTime() + membership.connectTimeout().toNanos();
    try {
      for (int r = 0; r < links.length; r++) {
        if (r != rank) {
          PeerLink link = new PeerLink(this, r);
          link.connect(deadline);
          links[r] = link;
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void send(int server, Request request) {
    RuntimeException f = failure.get();
    if (f != null) {
      request.fail(f);
      throw failed(f);
    }
    int li = localIndex[server];
    if (li >= 0) {
      local.send(li, request);
    } else {
      int owner = membership.owners()[server];
      links[owner].send(server, request, request.kind == Request.Kind.PUSH ? pushWidth : pullWidth);
    }
  }

  @Override
  public void flush() {
    for (PeerLink l : links) {
      if (l != null) {
        l.flush();
      }
    }
  }

  /** Remote sends are serialised before they return, so pushes need copies only for shard threads. */
  @Override
  public boolean releasesPushBuffers() {
    return local.releasesPushBuffers();
  }

  @Override
  public boolean runsOnSend(int server) {
    return localIndex[server] >= 0 && local.runsOnSend(localIndex[server]);
  }

  @Override
  public boolean remote(int server) {
    return localIndex[server] < 0;
  }

  /**
   * True when a peer's request runs on the network thread that read it, done when {@link #serve}
   * returns: its arrays may then be reused for the next request.
   */
  boolean servesInline() {
    return local instanceof DirectTransport;
  }

  /** Runs a request that arrived from a peer on local shard {@code server} (a global index). */
  void serve(int server, Request r) {
    if (server < 0 || server >= localIndex.length || localIndex[server] < 0) {
      throw new IllegalArgumentException("server shard " + server + " is not held by rank " + rank);
    }
    local.send(localIndex[server], r);
  }

  void sendControl(int to, byte[] payload) {
    RuntimeException f = failure.get();
    if (f != null) {
      throw failed(f);
    }
    if (to < 0 || to >= links.length) {
      throw new IllegalArgumentException("rank must be in [0, " + links.length + "), got " + to);
    }
    if (to == rank) {
      byte[] copy = payload.clone();
      loop.execute(() -> control(rank, copy));
    } else {
      links[to].control(payload);
    }
  }

  /** Peer {@code from} said goodbye and its connection ended, on a network thread. */
  void peerLeft(int from) {
    try {
      handler.onPeerLeft(from);
    } catch (RuntimeException e) {
      fail(new IllegalStateException("job " + job + " rank " + rank + ": the control handler failed on rank " + from
          + " leaving: " + e, e));
    }
  }

  /** A control message from {@code from}, on a network thread. */
  void control(int from, byte[] payload) {
    try {
      handler.onMessage(from, payload);
    } catch (RuntimeException e) {
      fail(new IllegalStateException("job " + job + " rank " + rank + ": the control handler failed on a message from rank "
          + from + ": " + e, e));
    }
  }

  /** An error naming the peer, for the peer's failures. */
  RuntimeException peerFailure(int peer, String why, Throwable cause) {
    return new IllegalStateException("job " + job + " attempt " + attempt + " rank " + rank + ": "
        + membership.describe(peer) + " " + why, cause);
  }

  /** Fails the group with {@code cause}, unless it failed already. */
  void fail(RuntimeException cause) {
    if (!failure.compareAndSet(null, cause)) {
      return;
    }
    for (PeerLink l : links) {
      if (l != null) {
        l.fail(cause);
      }
    }
    if (!closed) {
      inbound.close();
      handler.onFailure(cause);
    }
  }

  RuntimeException failure() {
    return failure.get();
  }

  /** The exception a send or wait throws once the group failed: new, so it shows where. */
  static IllegalStateException failed(RuntimeException cause) {
    return new IllegalStateException(cause.getMessage(), cause);
  }

  void accepted(Channel ch) {
    inbound.add(ch);
  }

  /** A newer attempt of the job took this member's place on the data port. */
  void replaced() {
    serving = false;
  }

  boolean closed() {
    return closed;
  }

  boolean serving() {
    return serving;
  }

  void sent(int bytes) {
    sent.add(bytes);
  }

  void received(int bytes) {
    received.add(bytes);
  }

  long bytesSent() {
    return sent.sum();
  }

  long bytesReceived() {
    return received.sum();
  }

  /**
   * Stops serving, says goodbye to the peers (so they do not take our leaving for a failure
   * unless they still wait on us), fails what is still pending here (no handler hears of it) and
   * stops the shard threads.
   */
  @Override
  public void close() {
    closed = true;
    serving = false;
    port.unregister(this);
    // Half-close after the goodbye: a full close with the peer's frames unread would reset the
    // connection, and the peer might lose the goodbye. The peer closes it when it reads it.
    for (Channel ch : inbound) {
      ch.writeAndFlush(Frames.empty(ch.alloc(), Frames.BYE, 0))
          .addListener(f -> ((DuplexChannel) ch).shutdownOutput());
    }
    fail(new IllegalStateException("job " + job + " attempt " + attempt + " rank " + rank + ": closed"));
    local.close();
  }
}
