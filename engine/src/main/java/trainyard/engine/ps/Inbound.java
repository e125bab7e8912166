package trainyard.engine.ps;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/**
 * The serving end of one peer's connection to this data port: a hello binds it to the member of
 * the job and attempt it names; requests then go to that member's local shards, which reply
 * through this handler (the requests' {@link Completion}).
 *
 * <p>Reads run on the channel's event loop. Where the member serves inline, a request runs right
 * there, in arrays reused from request to request, and its reply is written at once and flushed
 * with the others of the same read: no thread hand-off and one system call per batch of replies.
 * Otherwise completions come from shard threads and only write.
 */
final class Inbound extends SimpleChannelInboundHandler<ByteBuf> implements Completion {
  private final DataPort port;
  private Channel channel;
  /** Set by the hello, on the event loop; read by shard threads after requests it handed over. */
  private volatile Member member;
  private int peer;
  /** Event loop only: decoded requests' arrays, for a member that serves inline. */
  private final Frames.Scratch scratch = new Frames.Scratch();
  /** Event loop only: the ranks of the peer's latest pulls, which its pushes then leave out. */
  private final KeptRanks kept = new KeptRanks();
  /** Event loop only: replies written since the last flush. */
  private boolean unflushed;

  Inbound(DataPort port) {
    this.port = port;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf f) {
    Member bound = member;
    if (bound != null && bound.closed()) {
      return; // it said goodbye; the peer closes the connection when it reads that
    }
    int size = f.readableBytes() + 4;
    long seq = -1;
    try {
      Frames.Header h = Frames.header(f);
      seq = h.seq();
      switch (h.kind()) {
        case Frames.PING -> ctx.writeAndFlush(Frames.empty(ctx.alloc(), Frames.PONG, seq));
        case Frames.HELLO -> hello(ctx, h, Frames.readText(f, h.count()));
        case Frames.PUSH, Frames.PULL, Frames.REGISTER -> {
          Member m = current(h);
          m.received(size);
          int width = h.kind() == Frames.PUSH ? m.pushWidth : h.kind() == Frames.PULL ? m.pullWidth : h.width();
          if (h.width() != width) {
            throw new IllegalArgumentException("requests carry " + width + " floats per key here, this one "
                + h.width());
          }
          m.serve(h.server(), Frames.toRequest(h, f, this, m.servesInline() ? scratch : null, kept));
        }
        case Frames.CONTROL -> {
          Member m = current(h);
          m.received(size);
          m.control(peer, Frames.readBytes(f, h.count()));
        }
        default -> throw new IllegalArgumentException("unexpected frame kind " + h.kind());
      }
    } catch (RuntimeException e) {
      String message = e.getMessage() != null ? e.getMessage() : e.toString();
      ctx.writeAndFlush(Frames.text(ctx.alloc(), Frames.ERROR, 0, 0, 0, seq, message));
    }
  }

  /** Binds this connection to the job's member, or says why not: not running yet, or stale. */
  private void hello(ChannelHandlerContext ctx, Frames.Header h, String job) {
    Member m = port.member(job);
    if (m != null && m.attempt > h.attempt()) {
      throw new IllegalStateException(stale(job, h.attempt(), m.attempt));
    }
    if (m == null || m.attempt < h.attempt()) {
      ctx.writeAndFlush(Frames.text(ctx.alloc(), Frames.NOT_READY, 0, 0, 0, h.seq(),
          "job " + job + " attempt " + h.attempt() + " is not running here yet"));
      return;
    }
    peer = h.worker();
    member = m;
    m.accepted(ctx.channel());
    ctx.writeAndFlush(Frames.empty(ctx.alloc(), Frames.READY, h.seq()));
  }

  /** The member this connection serves, if it still runs the attempt the frame names. */
  private Member current(Frames.Header h) {
    Member m = member;
    if (m == null) {
      throw new IllegalStateException("a request before the hello");
    }
    if (!m.serving() || h.job() != m.jobKey || h.attempt() != m.attempt) {
      Member now = port.member(m.job);
      throw new IllegalStateException(now == null ? "job " + m.job + " attempt " + h.attempt() + " no longer runs here"
          : stale(m.job, h.attempt(), now.attempt));
    }
    return m;
  }

  private static String stale(String job, int attempt, int current) {
    return "stale attempt: job " + job + " attempt " + attempt + ", this executor runs attempt " + current;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (unflushed) {
      unflushed = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void complete(Request r) {
    Member m = member;
    ByteBuf b = r.kind == Request.Kind.PULL
        ? Frames.values(channel.alloc(), r.timestamp, r.vals, 0, (r.to - r.from) * m.pullWidth)
        : Frames.empty(channel.alloc(), Frames.ACK, r.timestamp);
    m.sent(b.readableBytes());
    if (channel.eventLoop().inEventLoop()) {
      channel.write(b, channel.voidPromise());
      unflushed = true;
    } else {
      channel.writeAndFlush(b, channel.voidPromise());
    }
  }

  @Override
  public void fail(Request r, RuntimeException cause) {
    channel.writeAndFlush(Frames.text(channel.alloc(), Frames.ERROR, 0, 0, 0, r.timestamp, String.valueOf(
        cause.getMessage())), channel.voidPromise());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The peer sees the connection close and fails its group; nothing here waits on it.
    ctx.close();
  }
}
