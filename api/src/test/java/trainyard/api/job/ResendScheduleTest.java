package trainyard.api.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResendScheduleTest {
  private static final long SECOND = 1000;

  @Test
  void aJobThatWaitsIsSentAgainLessAndLessOftenUpToTheMaximumGap() {
    ResendSchedule schedule = new ResendSchedule(Duration.ofSeconds(30), Duration.ofMinutes(10));
    List<Long> sentAt = new ArrayList<>();
    // rounds every 30 s for two hours, the job submitted at 0 and never placed
    for (long now = 30 * SECOND; now <= 7200 * SECOND; now += 30 * SECOND) {
      if (schedule.due("job", 0, now)) {
        sentAt.add(now / SECOND);
      }
    }
    assertEquals(List.of(30L, 90L, 210L, 450L, 930L, 1530L, 2130L, 2730L, 3330L, 3930L, 4530L, 5130L, 5730L,
        6330L, 6930L), sentAt);
  }

  @Test
  void aJobNoLongerQueuedIsForgottenAndStartsOverIfSeenAgain() {
    ResendSchedule schedule = new ResendSchedule(Duration.ofSeconds(30), Duration.ofMinutes(10));
    assertFalse(schedule.due("job", 0, 10 * SECOND));
    assertTrue(schedule.due("job", 0, 30 * SECOND));
    assertFalse(schedule.due("job", 0, 60 * SECOND));
    schedule.keepOnly(Set.of());
    assertTrue(schedule.due("job", 0, 60 * SECOND));
  }

  @Test
  void aMaximumBelowTheFirstGapIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ResendSchedule(Duration.ofMinutes(1), Duration.ofSeconds(30)));
  }
}
