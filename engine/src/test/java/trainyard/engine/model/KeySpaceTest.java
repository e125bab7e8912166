package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A worker keeps ids in an array only where it is no larger than the hash table it replaces. */
class KeySpaceTest {
  @Test
  void compactIdsGoInAnArrayWhereItTakesNoMoreThanTheTable() {
    // CtrGenerator seed 1: 982,308 features with ids below 2^22: 16 MiB of ints against 22 MiB of table
    assertEquals(1 << 22, KeySpace.of(982_308, (1 << 22) - 1, 982_309).denseIds());
    // seed 2 ("flat"): 1,241,667 features below 2^24: 64 MiB against 28
    assertEquals(0, KeySpace.of(1_241_667, (1 << 24) - 1, 1_241_668).denseIds());
    // the same ids, but a worker's share holds few of them
    assertEquals(0, KeySpace.of(982_308, (1 << 22) - 1, 100_000).denseIds());
    assertEquals(0, KeySpace.of(982_308, -1, 982_309).denseIds(), "the largest id unknown");
    assertEquals(0, KeySpace.of(10, Long.MAX_VALUE - 1, 11).denseIds());
  }

  @Test
  void theServersExpectAtLeastAThousandKeysAndAtMost64Million() {
    assertEquals(1024, KeySpace.of(10, 9, 11).keys());
    assertEquals(1L << 26, KeySpace.of(1L << 40, -1, 1L << 40).keys());
    assertThrows(IllegalArgumentException.class, () -> new KeySpace(0, 0));
  }
}
