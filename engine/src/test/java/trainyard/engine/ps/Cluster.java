package trainyard.engine.ps;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A parameter server for tests: in one process, or split between two members that each run
 * their own data port on loopback (server s on rank s % 2) and start concurrently, as processes
 * would, with their shards on threads of their own or run inline. Workers alternate between the
 * members.
 */
final class Cluster implements AutoCloseable {
  enum Kind { IN_PROCESS, NETTY, NETTY_INLINE }

  final ParameterServer[] members;
  private final DataPort[] ports;

  private Cluster(ParameterServer[] members, DataPort[] ports) {
    this.members = members;
    this.ports = ports;
  }

  static Cluster start(Kind kind, KeyRanges ranges, Supplier<Updater> updaters) {
    if (kind == Kind.IN_PROCESS) {
      return new Cluster(new ParameterServer[] {new ParameterServer(ranges, updaters, 16, "test")}, new DataPort[0]);
    }
    int[] owners = new int[ranges.servers()];
    for (int s = 0; s < owners.length; s++) {
      owners[s] = s % 2;
    }
    return twoMembers(ranges, updaters, owners, new ControlHandler[] {(r, b) -> {}, (r, b) -> {}}, "job-1",
        kind == Kind.NETTY ? ParameterServer.Mode.THREADS : ParameterServer.Mode.DIRECT);
  }

  /** Two members of {@code job} attempt 1 on fresh loopback data ports; peer timeout 5 s; shard threads. */
  static Cluster twoMembers(KeyRanges ranges, Supplier<Updater> updaters, int[] owners, ControlHandler[] handlers,
      String job) {
    return twoMembers(ranges, updaters, owners, handlers, job, ParameterServer.Mode.THREADS);
  }

  static Cluster twoMembers(KeyRanges ranges, Supplier<Updater> updaters, int[] owners, ControlHandler[] handlers,
      String job, ParameterServer.Mode mode) {
    return twoMembers(ranges, updaters, owners, handlers, job, mode,
        new DataPort[] {DataPort.bind("127.0.0.1", 0), DataPort.bind("127.0.0.1", 0)}, Duration.ofSeconds(5));
  }

  /** The same on the data ports given (bound to loopback, port 0), with peer timeout {@code timeout}. */
  static Cluster twoMembers(KeyRanges ranges, Supplier<Updater> updaters, int[] owners, ControlHandler[] handlers,
      String job, ParameterServer.Mode mode, DataPort[] ports, Duration timeout) {
    List<InetSocketAddress> addresses = List.of(new InetSocketAddress("127.0.0.1", ports[0].port()),
        new InetSocketAddress("127.0.0.1", ports[1].port()));
    CompletableFuture<ParameterServer> second = CompletableFuture.supplyAsync(() -> ParameterServer.member(ports[1],
        new Membership(job, 1, 1, addresses, owners, timeout, timeout), ranges, updaters, 16, mode, handlers[1]));
    ParameterServer first = ParameterServer.member(ports[0], new Membership(job, 1, 0, addresses, owners, timeout,
        timeout), ranges, updaters, 16, mode, handlers[0]);
    return new Cluster(new ParameterServer[] {first, second.join()}, ports);
  }

  /** Worker {@code i}, on member {@code i % members}. */
  KVWorker worker(int i) {
    return members[i % members.length].newWorker(i / members.length);
  }

  long keyCount() {
    long n = 0;
    for (ParameterServer ps : members) {
      n += ps.keyCount();
    }
    return n;
  }

  DataPort port(int rank) {
    return ports[rank];
  }

  @Override
  public void close() {
    for (ParameterServer ps : members) {
      ps.close();
    }
    for (DataPort p : ports) {
      p.close();
    }
  }
}
