package trainyard.engine.ps;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * One process's place in a distributed job: member {@code rank} of {@code members.size()}, whose
 * data ports are at {@code members} (by rank); {@code owners[s]} is the rank that holds global
 * server shard s. Every member of a job gets the same lists; frames carry {@code (job, attempt)},
 * so a member of an older attempt is refused.
 *
 * <p>{@code peerTimeout}: a peer silent for longer (no reply to pings sent every third of it)
 * fails the group. {@code connectTimeout}: how long connecting to a peer that is not up yet is
 * retried. Immutable; do not modify {@code owners} after construction.
 */
public record Membership(String job, int attempt, int rank, List<InetSocketAddress> members, int[] owners,
    Duration peerTimeout, Duration connectTimeout) {

  public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);

  public Membership {
    if (job == null || job.isEmpty()) {
      throw new IllegalArgumentException("job must be a non-empty id, got " + job);
    }
    members = List.copyOf(members);
    if (rank < 0 || rank >= members.size()) {
      throw new IllegalArgumentException("rank must be in [0, " + members.size() + "), got " + rank);
    }
    if (owners.length == 0) {
      throw new IllegalArgumentException("owners must name a rank for at least one server shard");
    }
    for (int s = 0; s < owners.length; s++) {
      if (owners[s] < 0 || owners[s] >= members.size()) {
        throw new IllegalArgumentException("owners[" + s + "] must be a rank in [0, " + members.size() + "), got "
            + owners[s]);
      }
    }
    owners = owners.clone();
    if (peerTimeout.toMillis() < 3 || connectTimeout.isNegative()) {
      throw new IllegalArgumentException("peerTimeout must be >= 3 ms and connectTimeout >= 0, got " + peerTimeout
          + " and " + connectTimeout);
    }
  }

  /** With the default timeouts. */
  public Membership(String job, int attempt, int rank, List<InetSocketAddress> members, int[] owners) {
    this(job, attempt, rank, members, owners, DEFAULT_PEER_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
  }

  /** Member {@code rank}'s data port. */
  InetSocketAddress address(int rank) {
    return members.get(rank);
  }

  /** "rank 1 (127.0.0.1:4711)": how errors name a peer. */
  String describe(int rank) {
    InetSocketAddress a = members.get(rank);
    return "rank " + rank + " (" + a.getHostString() + ":" + a.getPort() + ")";
  }
}
