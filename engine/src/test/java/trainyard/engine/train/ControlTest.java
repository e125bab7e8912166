package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ControlTest {
  @Test
  void everyMessageRoundTrips() {
    List<Control> messages = List.of(new Control.Ready(3, 1L << 35), new Control.Pause(), new Control.Progress(1, Long.MAX_VALUE, 7),
        new Control.Save(-7), new Control.Saved(2, 9), new Control.Finish(), new Control.Finished(4), new Control.Failed(1, "disk full: é"));
    for (Control m : messages) {
      assertEquals(m, Control.decode(Control.encode(m)));
    }
    Control.Start start = (Control.Start) Control.decode(Control.encode(new Control.Start(4, new long[] {0, 17, 1L << 33})));
    assertEquals(4, start.epoch());
    assertArrayEquals(new long[] {0, 17, 1L << 33}, start.from());
    Control.EpochDone done = (Control.EpochDone) Control.decode(
        Control.encode(new Control.EpochDone(1, 2, false, 0.25, 1L << 40, new long[0], 12.5)));
    assertEquals(List.of(1, 2, false, 0.25, 1L << 40, 12.5), List.of(done.rank(), done.epoch(), done.complete(),
        done.loss(), done.examples(), done.seconds()));
    assertArrayEquals(new long[0], done.positions());
    assertEquals(new Control.Score(31), Control.decode(Control.encode(new Control.Score(31))));
    float[] share = new float[65_536 * 10];
    for (int i = 0; i < share.length; i++) {
      share[i] = i * 0.5f - 7;
    }
    for (float[] s : List.of(new float[0], share)) {
      Control.Shares shares = (Control.Shares) Control.decode(Control.encode(new Control.Shares(1, 3, s)));
      assertEquals(List.of(1, 3), List.of(shares.rank(), shares.block()));
      assertArrayEquals(s, shares.share());
    }
  }

  @Test
  void refusesWhatIsNotAMessage() {
    assertThrows(IllegalArgumentException.class, () -> Control.decode(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> Control.decode(new byte[] {42}));
    byte[] ready = Control.encode(new Control.Ready(1, 0));
    assertThrows(IllegalArgumentException.class, () -> Control.decode(java.util.Arrays.copyOf(ready, ready.length - 1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Control.decode(java.util.Arrays.copyOf(ready, ready.length + 1)));
    assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    byte[] shares = Control.encode(new Control.Shares(0, 0, new float[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> Control.decode(java.util.Arrays.copyOf(shares, shares.length - 1)));
    assertThrows(IllegalArgumentException.class, () -> Control.decode(java.util.Arrays.copyOf(shares, shares.length + 4)));
    assertThrows(IllegalArgumentException.class, () -> Control.decode(java.util.Arrays.copyOf(shares, 6)));
    byte[] longMessage = Control.encode(new Control.Failed(0, "x".repeat(100_000)));
    assertEquals(8000, ((Control.Failed) Control.decode(longMessage)).message().length());
  }

  @Test
  void aBrokenLinkWakesBothSides() throws Exception {
    Link link = new Link.Local();
    link.send(0, new Control.Ready(0, 5));
    link.send(0, new Control.Pause());
    assertEquals(new Control.Ready(0, 5), link.takeCoordinator(10));
    assertEquals(new Control.Pause(), link.takeMember(10));
    link.fail(new AttemptLostException("member 1 lost"));
    assertThrows(AttemptLostException.class, () -> link.takeCoordinator(1000));
    assertThrows(AttemptLostException.class, () -> link.takeMember(1000));
  }
}
