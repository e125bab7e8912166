package trainyard.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void constantWithoutWarmupIsExactlyOne() {
    Schedule c = Schedule.of("constant", 0, 100);
    assertSame(Schedule.CONSTANT, c);
    for (long s : new long[] {0, 1, 99, 100, 1L << 40}) {
      assertEquals(1f, c.factor(s));
    }
  }

  @Test
  void warmupRisesLinearlyFromZeroToOne() {
    Schedule c = Schedule.of("constant", 4, 100);
    assertEquals(0.25f, c.factor(0));
    assertEquals(0.5f, c.factor(1));
    assertEquals(0.75f, c.factor(2));
    assertEquals(1f, c.factor(3));
    assertEquals(1f, c.factor(4));
    assertEquals(1f, c.factor(99));
  }

  @Test
  void inverseSqrtDecaysAsOneOverTheRootOfTheStep() {
    Schedule plain = Schedule.of("inverse-sqrt", 0, 1000);
    assertEquals(1f, plain.factor(0));
    assertEquals(0.5f, plain.factor(3));
    assertEquals(0.1f, plain.factor(99), 1e-7);
    Schedule warm = Schedule.of("inverse-sqrt", 100, 1000);
    assertEquals(0.01f, warm.factor(0));
    assertEquals(1f, warm.factor(99), "continuous where the warm-up ends");
    assertEquals(0.5f, warm.factor(399));
  }

  @Test
  void cosineFallsFromOneToZeroOverTheStepsAfterWarmup() {
    Schedule plain = Schedule.of("cosine", 0, 100);
    assertEquals(1f, plain.factor(0));
    assertEquals(0.5f, plain.factor(50), 1e-7);
    assertEquals((float) (0.5 * (1 + Math.cos(Math.PI * 0.25))), plain.factor(25));
    assertEquals(0f, plain.factor(100), 1e-7);
    assertEquals(0f, plain.factor(1000), 1e-7, "past the end it stays at 0");
    Schedule warm = Schedule.of("cosine", 10, 110);
    assertEquals(0.1f, warm.factor(0));
    assertEquals(1f, warm.factor(10));
    assertEquals(0.5f, warm.factor(60), 1e-7);
    for (long s = 11; s < 110; s++) {
      assertTrue(warm.factor(s) < warm.factor(s - 1), "falls at " + s);
    }
  }

  @Test
  void refusesWhatIsNoSchedule() {
    assertThrows(IllegalArgumentException.class, () -> Schedule.of("step", 0, 10));
    assertThrows(IllegalArgumentException.class, () -> Schedule.of("cosine", -1, 10));
    assertThrows(IllegalArgumentException.class, () -> Schedule.of("cosine", 0, 0));
  }
}
