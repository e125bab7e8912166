package trainyard.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void anUnreachableBrokerIsNamedAndTheWaitEndsAtTheTimeout() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    String servers = "127.0.0.1:" + port;
    long t0 = System.nanoTime();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Topics.ensureCreated(servers, Duration.ofSeconds(2)));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals("no Kafka broker answered at " + servers + " within 2 s", e.getMessage());
    // The admin client's close waited for its own call's timeout before: 60 s for a 30 s wait.
    assertTrue(seconds < 20, "gave up after " + seconds + " s");
  }
}
