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
}
