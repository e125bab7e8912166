package trainyard.engine.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void unmixUndoesMix() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 100_000; i++) {
      long id = random.nextLong();
      assertEquals(id, Keys.unmix(Keys.mix(id)));
      assertEquals(id, Keys.mix(Keys.unmix(id)));
    }
    for (long id : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Keys.BIAS_FEATURE, 1 << 22}) {
      assertEquals(id, Keys.unmix(Keys.mix(id)));
    }
  }
}
