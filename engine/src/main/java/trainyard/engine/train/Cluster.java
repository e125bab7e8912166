package trainyard.engine.train;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import trainyard.engine.ps.DataPort;

/**
 * This process's place in a job spread over several: it is member {@code rank} of
 * {@code peers}, whose data ports and shares of the job's workers and server shards they list,
 * by rank. Every member of one attempt gets the same list; rank 0 coordinates. Members reach
 * each other through {@code port}, this process's data port; a peer silent for
 * {@code peerTimeout} fails the attempt, and so does a member not ready (or not reachable)
 * within {@code readyTimeout}. Immutable.
 */
public record Cluster(String jobId, int attempt, int rank, List<Peer> peers, DataPort port, Duration peerTimeout,
    Duration readyTimeout) {

  /**
   * One member: where its data port listens, and its workers {@code [firstWorker, firstWorker +
   * workers)} and server shards {@code [firstServer, firstServer + servers)} (global indexes).
   */
  public record Peer(InetSocketAddress address, int firstWorker, int workers, int firstServer, int servers) {}

  public Cluster {
    peers = List.copyOf(peers);
    if (rank < 0 || rank >= peers.size()) {
      throw new IllegalArgumentException("rank must be in [0, " + peers.size() + "), got " + rank);
    }
  }

  /** Checks that the peers' shares cover {@code workers} workers and {@code servers} shards, in order. */
  void checkCovers(int workers, int servers) {
    int w = 0;
    int s = 0;
    for (Peer p : peers) {
      if (p.firstWorker() != w || p.firstServer() != s || p.workers() < 0 || p.servers() < 0) {
        throw new IllegalArgumentException("the members' shares must follow each other from 0: member at "
            + p.address() + " starts at worker " + p.firstWorker() + " and server " + p.firstServer()
            + ", expected " + w + " and " + s);
      }
      w += p.workers();
      s += p.servers();
    }
    if (w != workers || s != servers) {
      throw new IllegalArgumentException("the members run " + w + " workers and " + s + " servers, the spec asks for "
          + workers + " and " + servers);
    }
  }

  /** The rank holding each global server shard. */
  int[] owners() {
    int n = 0;
    for (Peer p : peers) {
      n += p.servers();
    }
    int[] owners = new int[n];
    for (int r = 0; r < peers.size(); r++) {
      Peer p = peers.get(r);
      for (int i = 0; i < p.servers(); i++) {
        owners[p.firstServer() + i] = r;
      }
    }
    return owners;
  }

  List<InetSocketAddress> addresses() {
    return peers.stream().map(Peer::address).toList();
  }

  Peer self() {
    return peers.get(rank);
  }
}
