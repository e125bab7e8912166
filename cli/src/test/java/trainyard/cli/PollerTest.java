package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watches' polling: connection failures after the server was reached are waited out, up to a point. */
class PollerTest {
  private final List<Long> pauses = new ArrayList<>();
  private final Console console = new Console(new PrintStream(new ByteArrayOutputStream()),
      new PrintStream(new ByteArrayOutputStream()), false, System::nanoTime, pauses::add);

  private static String down() {
    throw CliException.connection("cannot connect");
  }

  @Test
  void aServerNeverReachedFailsAtOnce() {
    Poller poller = new Poller(console, 1000);
    assertThrows(CliException.class, () -> poller.read(PollerTest::down));
    assertEquals(List.of(), pauses);
  }

  @Test
  void aRestartIsWaitedOutWithGrowingPausesThenAnOutageEndsTheWatch() {
    Poller poller = new Poller(console, 1000);
    assertEquals("up", poller.read(() -> "up"));
    assertNull(poller.read(PollerTest::down));
    assertNull(poller.read(PollerTest::down));
    assertEquals("back", poller.read(() -> "back"));
    assertEquals(List.of(2000L, 4000L), pauses);
    for (int i = 0; i < 5; i++) {
      assertNull(poller.read(PollerTest::down));
    }
    CliException gone = assertThrows(CliException.class, () -> poller.read(PollerTest::down));
    assertEquals(ExitCode.CONNECTION, gone.exitCode());
    assertEquals(List.of(2000L, 4000L, 2000L, 4000L, 8000L, 10_000L, 10_000L), pauses);
  }

  @Test
  void aRefusalIsNotRetried() {
    Poller poller = new Poller(console, 1000);
    poller.read(() -> "up");
    assertThrows(CliException.class, () -> poller.read(() -> {
      throw CliException.usage("bad");
    }));
    assertEquals(List.of(), pauses);
  }
}
