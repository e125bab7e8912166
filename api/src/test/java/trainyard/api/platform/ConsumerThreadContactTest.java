package trainyard.api.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Since when a reader has reached Kafka: one stretch while answers come close together, none after a gap. */
class ConsumerThreadContactTest {
  private final ConsumerThread<Object> thread = new ConsumerThread<>("test", Duration.ofMillis(1), Duration.ofMillis(1));

  @Test
  void answersCloseTogetherAreOneStretchAndAGapStartsANewOne() {
    assertEquals(Long.MIN_VALUE, thread.reachingSince(1_000_000), "never reached");
    thread.contact(1_000_000);
    thread.contact(1_001_000);
    thread.contact(1_005_000);
    assertEquals(1_000_000, thread.reachingSince(1_006_000));
    assertEquals(1_000_000, thread.reachingSince(1_010_000));

    assertEquals(Long.MIN_VALUE, thread.reachingSince(1_010_001), "no answer for longer than the gap: not reached now");
    thread.contact(1_020_000);
    assertEquals(1_020_000, thread.reachingSince(1_020_500), "reached again: a new stretch");
  }
}
