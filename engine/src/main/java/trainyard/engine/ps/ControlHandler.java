package trainyard.engine.ps;

/**
 * Receives a job member's control messages: opaque payloads that members exchange over the data
 * connections (readiness, barriers, commands; the protocol is the caller's). Called on a network
 * thread, so an implementation must be thread-safe and must not block for long.
 */
public interface ControlHandler {
  /** A payload that member {@code fromRank} sent with {@link ParameterServer#sendControl}. */
  void onMessage(int fromRank, byte[] payload);

  /** The member's group failed (a peer broke, went silent or refused us); called once. */
  default void onFailure(RuntimeException cause) {}

  /**
   * Member {@code rank} said goodbye and closed its connection. The transport fails the group
   * only if requests to it were pending or one is sent to it; whether its leaving is normal (the
   * job is over) is the protocol's to decide.
   */
  default void onPeerLeft(int rank) {}
}
