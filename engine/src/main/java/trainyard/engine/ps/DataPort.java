package trainyard.engine.ps;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process's data port: one TCP listener that serves the server shards of every job member the
 * process runs, each registered under its job id and attempt. It also owns the Netty threads
 * that members use for their own connections to peers.
 *
 * <p>Thread-safe. Bind once at start, close after the members.
 */
public final class DataPort implements AutoCloseable {
  private final EventLoopGroup group;
  /** Netty's native epoll transport, or Java's NIO. */
  private final boolean epoll;
  private final Channel listener;
  /** The member serving each job here: the newest attempt registered. */
  private final ConcurrentHashMap<String, Member> members = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private DataPort(String host, int port, boolean epoll) {
    // A thread per core: on a process given one core, one thread serves both directions in one wake-up.
    int threads = Math.min(8, Runtime.getRuntime().availableProcessors());
    this.epoll = epoll;
    DefaultThreadFactory named = new DefaultThreadFactory("trainyard-data-port", true);
    group = epoll ? new EpollEventLoopGroup(threads, named) : new NioEventLoopGroup(threads, named);
    try {
      listener = new ServerBootstrap()
          .group(group)
          .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.SO_KEEPALIVE, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(frameDecoder(), new Inbound(DataPort.this));
            }
          })
          .bind(host, port).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the checked BindException undeclared
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Listens on {@code host:port} (port 0: any free port, see {@link #port()}), through Netty's
   * native epoll transport where the platform has it (Linux), else Java's NIO: epoll cost the
   * network thread 7–18% less CPU an example (PERFORMANCE.md, "Native epoll").
   */
  public static DataPort bind(String host, int port) {
    return bind(host, port, Epoll.isAvailable());
  }

  /** {@link #bind(String, int)} with epoll or NIO as {@code epoll} says: the two interoperate. */
  static DataPort bind(String host, int port, boolean epoll) {
    return new DataPort(host, port, epoll);
  }

  /** The port this data port listens on. */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Stops listening, drops every connection and stops the network threads. Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    listener.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  static LengthFieldBasedFrameDecoder frameDecoder() {
    return new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, Frames.MAX_FRAME + 4, 0, 4, 0, 4, true);
  }

  EventLoopGroup group() {
    return group;
  }

  /** The kind of connection this port's threads make to peers. */
  Class<? extends Channel> socketChannel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** Serves {@code m}'s job from now on; refuses an attempt older than (or as old as) the one here. */
  void register(Member m) {
    members.compute(m.job, (job, old) -> {
      if (old != null && old.attempt >= m.attempt) {
        throw new IllegalStateException("stale attempt: job " + job + " attempt " + m.attempt
            + ", this executor already runs attempt " + old.attempt);
      }
      if (old != null) {
        old.replaced();
      }
      return m;
    });
  }

  void unregister(Member m) {
    members.remove(m.job, m);
  }

  /** The member serving {@code job} here, or null. */
  Member member(String job) {
    return members.get(job);
  }
}
