package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What counts as progress for the coordinator's stall watch, on a clock the test moves. */
class StallWatchTest {
  private final AtomicLong now = new AtomicLong();
  private final StallWatch watch = new StallWatch(2, 10_000, now::get);

  private void seconds(long s) {
    now.addAndGet(s * 1_000_000_000L);
  }

  @Test
  void aMemberThatReportsTheSameWorkStalls() {
    watch.start();
    seconds(6);
    watch.report(new Control.Progress(0, 5, 0));
    watch.report(new Control.Progress(1, 5, 0));
    seconds(6);
    // Rank 0 goes on; rank 1 keeps reporting, but the same minibatches: reports are no progress.
    watch.report(new Control.Progress(0, 9, 0));
    watch.report(new Control.Progress(1, 5, 0));
    assertDoesNotThrow(() -> watch.check(r -> true));
    seconds(5);
    AttemptLostException e = assertThrows(AttemptLostException.class, () -> watch.check(r -> true));
    assertEquals("member 1 made no progress for 11 s (no minibatch, no block scanned, no reply to the coordinator)",
        e.getMessage());
  }

  @Test
  void scanningForTheDictionaryIsProgress() {
    watch.start();
    for (int i = 1; i <= 5; i++) {
      seconds(4);
      watch.report(new Control.Progress(0, 0, i));
      watch.report(new Control.Progress(1, 0, i));
    }
    assertDoesNotThrow(() -> watch.check(r -> true));
  }

  @Test
  void onlyTheMembersStillAwaitedCanStall() {
    watch.start();
    seconds(11);
    // Rank 0 replied (or reported its epoch done); rank 1 has not.
    AttemptLostException e = assertThrows(AttemptLostException.class, () -> watch.check(r -> r == 1));
    assertTrue(e.getMessage().startsWith("member 1 made no progress"), e.getMessage());
    assertDoesNotThrow(() -> watch.check(r -> false));
    // A new command starts every member's clock again.
    watch.start();
    seconds(9);
    assertDoesNotThrow(() -> watch.check(r -> true));
  }

  @Test
  void noTimeoutMeansNoWatch() {
    StallWatch none = new StallWatch(1, Long.MAX_VALUE, now::get);
    none.start();
    seconds(1L << 30);
    assertDoesNotThrow(() -> none.check(r -> true));
  }
}
