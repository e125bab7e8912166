package trainyard.engine.ps;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A member's one connection to a peer's data port: requests for the peer's shards and control
 * messages go out on it, in send order; replies come back on it and complete the pending request
 * of their sequence id. A third of the peer timeout without anything read sends a ping; a peer
 * silent for the whole timeout, a closed connection or an error reply fails the member's group.
 *
 * <p>Thread-safe: workers send concurrently; replies arrive on the connection's event loop.
 */
final class PeerLink {
  private final Member member;
  private final int rank;
  private final ConcurrentHashMap<Long, Request> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextSeq = new AtomicLong();
  private volatile Channel channel;
  /**
   * Pushes written but perhaps not flushed. A writer sets it after queueing its write, a flusher
   * clears it before queueing its flush: every write is covered by a later flush or leaves it set.
   */
  private final AtomicBoolean unflushed = new AtomicBoolean();
  /** The peer said goodbye and its connection ended: sending to it again fails the group. */
  private volatile boolean left;

  PeerLink(Member member, int rank) {
    this.member = member;
    this.rank = rank;
  }

  /**
   * Connects and says hello, retrying while the peer is not up or not running the attempt yet,
   * until {@code deadline} (System.nanoTime()); throws if it never gets in, or the peer refuses
   * (stale attempt) or stays silent.
   */
  void connect(long deadline) {
    Membership ms = member.membership;
    long pause = TimeUnit.MILLISECONDS.toNanos(20);
    String last;
    while (true) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      Conn conn = new Conn();
      ChannelFuture f = new Bootstrap()
          .group(member.port.group())
          .channel(member.port.socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.SO_KEEPALIVE, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(left, Integer.MAX_VALUE))
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              long timeout = ms.peerTimeout().toMillis();
              c.pipeline().addLast(new IdleStateHandler(Math.max(1, timeout / 3), 0, 0, TimeUnit.MILLISECONDS),
                  DataPort.frameDecoder(), conn);
            }
          })
          .connect(ms.address(rank));
      f.awaitUninterruptibly();
      if (f.isSuccess()) {
        Channel ch = f.channel();
        ch.writeAndFlush(Frames.text(ch.alloc(), Frames.HELLO, member.jobKey, member.attempt, member.rank, 0,
            member.job));
        try {
          conn.answered.await();
        } catch (InterruptedException e) {
          ch.close();
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while connecting", e);
        }
        if (conn.ready) {
          channel = ch;
          return;
        }
        ch.close();
        if (conn.fatal) {
          throw member.peerFailure(rank, conn.problem, null);
        }
        last = conn.problem;
      } else {
        last = String.valueOf(f.cause());
      }
      if (System.nanoTime() + pause > deadline) {
        throw member.peerFailure(rank, "could not connect within " + ms.connectTimeout().toMillis() + " ms: " + last,
            null);
      }
      sleep(pause);
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(500));
    }
  }

  private static void sleep(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting", e);
    }
  }

  /** Sends request {@code r}'s part for global server {@code server}. */
  void send(int server, Request r, int width) {
    long seq = nextSeq.getAndIncrement();
    pending.put(seq, r);
    if (left) {
      member.fail(member.peerFailure(rank, "has left the job", null));
    }
    RuntimeException f = member.failure();
    if (f != null) {
      // The group failed meanwhile and may have drained pending already: fail it here if not.
      if (pending.remove(seq) != null) {
        r.fail(f);
      }
      throw Member.failed(f);
    }
    Channel ch = channel;
    ByteBuf b = Frames.request(ch.alloc(), member.jobKey, member.attempt, server, seq, r, width);
    member.sent(b.readableBytes());
    if (r.kind == Request.Kind.PUSH) {
      // Nobody waits on a push at once: it travels with the next pull (or the flush of a wait),
      // in one system call, without waking the network thread now.
      ch.write(b, ch.voidPromise());
      unflushed.set(true);
    } else {
      unflushed.set(false);
      ch.writeAndFlush(b, ch.voidPromise());
      if (!ch.eventLoop().inEventLoop()) {
        // The network thread writes the request; where it shares this worker's core it would
        // wait for the worker to block or its time slice to end. Handing it the core sends the
        // pull at once, so pulling ahead overlaps the round trip (FM over 2 one-core processes:
        // 1.40x the examples/s; PERFORMANCE.md, "Distributed").
        Thread.yield();
      }
    }
  }

  /** Flushes pushes written since the last flush. */
  void flush() {
    Channel ch = channel;
    if (ch != null && unflushed.getAndSet(false)) {
      ch.flush();
    }
  }

  void control(byte[] payload) {
    if (left) {
      RuntimeException e = member.peerFailure(rank, "has left the job", null);
      member.fail(e);
      throw Member.failed(e);
    }
    Channel ch = channel;
    ByteBuf b = Frames.bytes(ch.alloc(), Frames.CONTROL, member.jobKey, member.attempt, member.rank, 0, payload);
    member.sent(b.readableBytes());
    ch.writeAndFlush(b, ch.voidPromise());
  }

  /** Fails every pending request with {@code cause} and closes the connection. */
  void fail(RuntimeException cause) {
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
    for (Long seq : pending.keySet()) {
      Request r = pending.remove(seq);
      if (r != null) {
        r.fail(cause);
      }
    }
  }

  /**
   * What broke, for people: an I/O error's last clause ("Connection reset by peer", where Netty's
   * native transport says "recvAddress(..) failed with error(-104): Connection reset by peer").
   */
  static String why(Throwable cause) {
    String m = cause.getMessage();
    if (!(cause instanceof IOException) || m == null || m.isBlank()) {
      return String.valueOf(cause);
    }
    return "connection lost: " + m.substring(m.lastIndexOf(": ") + 1).strip();
  }

  /** One connection attempt's handler: the hello's answer, then replies. */
  private final class Conn extends SimpleChannelInboundHandler<ByteBuf> {
    final CountDownLatch answered = new CountDownLatch(1);
    volatile boolean ready;
    volatile boolean fatal;
    volatile String problem;
    private volatile boolean bye;
    /** Event loop only: thirds of the peer timeout in a row without anything read. */
    private int silentThirds;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf f) {
      int size = f.readableBytes() + 4;
      Frames.Header h = Frames.header(f);
      switch (h.kind()) {
        case Frames.ACK, Frames.VALUES -> reply(h, f, size);
        case Frames.PONG -> { }
        case Frames.BYE -> {
          bye = true;
          ctx.close();
        }
        case Frames.READY -> answer(true, false, null);
        case Frames.NOT_READY -> answer(false, false, Frames.readText(f, h.count()));
        case Frames.ERROR -> {
          String message = "refused: " + Frames.readText(f, h.count());
          if (ready) {
            member.fail(member.peerFailure(rank, message, null));
          } else {
            answer(false, true, message);
          }
        }
        default -> throw new IllegalArgumentException("unexpected frame kind " + h.kind());
      }
    }

    private void reply(Frames.Header h, ByteBuf f, int size) {
      Request r = pending.remove(h.seq());
      if (r == null) {
        return;
      }
      member.received(size);
      if (h.kind() == Frames.VALUES) {
        int n = h.count();
        int want = (r.to - r.from) * member.pullWidth;
        if (n != want) {
          RuntimeException e = member.peerFailure(rank, "sent " + n + " values for a pull of " + want, null);
          r.fail(e);
          member.fail(e);
          return;
        }
        Frames.readFloats(f, r.vals, r.valOff, n);
      }
      r.complete();
    }

    /** The hello's first answer counts: a close that follows a timeout must not overwrite why. */
    private void answer(boolean ok, boolean isFatal, String why) {
      if (answered.getCount() == 0) {
        return;
      }
      problem = why;
      fatal = isFatal;
      ready = ok;
      answered.countDown();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ready && bye) {
        // Set before looking at pending; a send puts first, then looks at this: one of them sees the other.
        left = true;
        if (!pending.isEmpty()) {
          member.fail(member.peerFailure(rank, "left the job while requests to it were pending", null));
        }
        member.peerLeft(rank);
      } else if (ready) {
        member.fail(member.peerFailure(rank, "connection closed", null));
      } else {
        answer(false, false, "connection closed during the hello");
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (!(evt instanceof IdleStateEvent e) || e.state() != IdleState.READER_IDLE) {
        return;
      }
      // Pinged when nothing was read, not when nothing was written: a connection that only
      // carries one-way messages (a member's progress reports while it scans its data) gets no
      // replies, and must not make a live peer look silent.
      silentThirds = e.isFirst() ? 1 : silentThirds + 1;
      if (silentThirds < 3) {
        ctx.writeAndFlush(Frames.empty(ctx.alloc(), Frames.PING, 0));
      } else {
        String why = "silent for " + member.membership.peerTimeout().toMillis() + " ms";
        if (ready) {
          member.fail(member.peerFailure(rank, why, null));
        } else {
          answer(false, true, why);
        }
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // After a goodbye, writes may meet a closed socket; the end of the connection decides.
      if (ready && !bye) {
        member.fail(member.peerFailure(rank, why(cause), cause));
      }
      ctx.close();
    }
  }
}
