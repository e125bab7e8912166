package trainyard.engine.train;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import trainyard.engine.ps.ControlHandler;
import trainyard.engine.ps.ParameterServer;

/**
 * A job's control channel as one process sees it: {@link Control} messages to any rank, and two
 * inboxes, the coordinator's (messages members send to rank 0) and this process's member's
 * (commands from the coordinator). A failure of the channel (a lost peer) is delivered to both
 * inboxes: every later {@code take} throws it, so neither side waits forever.
 *
 * <p>Thread-safe. Subclasses deliver what arrives by calling {@link #deliver} and report a broken
 * channel with {@link #fail}.
 */
abstract class Link implements AutoCloseable {
  private final LinkedBlockingQueue<Control> coordinatorInbox = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Control> memberInbox = new LinkedBlockingQueue<>();
  private volatile RuntimeException failure;

  /** Sends {@code message} to rank {@code rank}'s coordinator or member, by the message's kind. */
  abstract void send(int rank, Control message);

  /** Ranks in the job. */
  abstract int size();

  /** The next message for the coordinator, or null after {@code millis}. */
  Control takeCoordinator(long millis) throws InterruptedException {
    return take(coordinatorInbox, millis);
  }

  /** The next command for this process's member, or null after {@code millis}. */
  Control takeMember(long millis) throws InterruptedException {
    return take(memberInbox, millis);
  }

  void deliver(Control message) {
    boolean toCoordinator = message instanceof Control.Ready || message instanceof Control.Progress
        || message instanceof Control.EpochDone || message instanceof Control.Saved
        || message instanceof Control.Shares || message instanceof Control.Failed
        || message instanceof Control.Finished;
    (toCoordinator ? coordinatorInbox : memberInbox).add(message);
  }

  /** The channel broke: both sides' next {@code take} throws {@code cause}; the first cause wins. */
  void fail(RuntimeException cause) {
    synchronized (this) {
      if (failure == null) {
        failure = cause;
      }
    }
    // Wake whoever waits; the marker itself is never returned.
    coordinatorInbox.add(new Control.Finish());
    memberInbox.add(new Control.Finish());
  }

  private Control take(LinkedBlockingQueue<Control> inbox, long millis) throws InterruptedException {
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
    Control m = inbox.poll(millis, TimeUnit.MILLISECONDS);
    f = failure;
    if (f != null) {
      throw f;
    }
    return m;
  }

  @Override
  public void close() {}

  /**
   * Ranks in several processes: messages travel as control frames on the parameter server's
   * connections; a failure of the group (a peer broke, went silent or refused this attempt) is
   * an {@link AttemptLostException}.
   */
  static final class Net extends Link implements ControlHandler {
    private final int size;
    private volatile ParameterServer ps;
    /** Set once the job is over for this process (it sent or got Finish): peers may leave then. */
    private volatile boolean finishing;

    Net(int size) {
      this.size = size;
    }

    /** Starts sending through {@code ps}, whose control handler this link is. */
    void attach(ParameterServer ps) {
      this.ps = ps;
    }

    @Override
    void send(int rank, Control message) {
      if (message instanceof Control.Finish) {
        finishing = true;
      }
      try {
        ps.sendControl(rank, Control.encode(message));
      } catch (IllegalStateException e) {
        throw new AttemptLostException(e.getMessage(), e);
      }
    }

    @Override
    int size() {
      return size;
    }

    @Override
    public void onMessage(int fromRank, byte[] payload) {
      Control m;
      try {
        m = Control.decode(payload);
      } catch (IllegalArgumentException e) {
        fail(new AttemptLostException("rank " + fromRank + " sent what is not a control message: " + e.getMessage()));
        return;
      }
      if (m instanceof Control.Finish) {
        finishing = true;
      }
      deliver(m);
    }

    @Override
    public void onPeerLeft(int rank) {
      if (!finishing) {
        fail(new AttemptLostException("rank " + rank + " left the job before it ended"));
      }
    }

    @Override
    public void onFailure(RuntimeException cause) {
      fail(new AttemptLostException(cause.getMessage(), cause));
    }
  }

  /** Every rank in this process (one member): messages go straight to the inboxes. */
  static final class Local extends Link {
    @Override
    void send(int rank, Control message) {
      if (rank != 0) {
        throw new IllegalArgumentException("a local job has only rank 0, got " + rank);
      }
      deliver(message);
    }

    @Override
    int size() {
      return 1;
    }
  }
}
