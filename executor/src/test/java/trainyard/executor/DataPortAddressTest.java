package trainyard.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The unauthenticated data port listens beyond loopback only when peers reach it by a name or a routable address. */
class DataPortAddressTest {
  @Test
  void loopbackHostsStayOnLoopbackAndNamesListenEverywhere() {
    assertEquals("127.0.0.1", Executor.bindAddress("127.0.0.1"));
    assertEquals("localhost", Executor.bindAddress("localhost"));
    // A host name that this machine's /etc/hosts maps to 127.0.1.1 is still how other machines reach it.
    assertEquals("0.0.0.0", Executor.bindAddress("box.lan"));
    assertEquals("0.0.0.0", Executor.bindAddress("10.0.0.5"));
  }
}
