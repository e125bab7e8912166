package trainyard.engine.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyDeduperTest {
  @Test
  void uniqueAscendingKeysAndOccurrenceIndexes() {
    KeyDeduper d = new KeyDeduper();
    long[] occurrences = {9, -3, 9, 0, Long.MIN_VALUE, -3, 9};
    for (int round = 0; round < 3; round++) {
      d.begin(occurrences.length);
      for (long k : occurrences) {
        d.add(k);
      }
      d.finish();
      assertEquals(4, d.size());
      assertArrayEquals(new long[] {Long.MIN_VALUE, -3, 0, 9}, Arrays.copyOf(d.keys(), 4));
      for (int e = 0; e < occurrences.length; e++) {
        assertEquals(occurrences[e], d.keys()[d.occurrences()[e]]);
      }
      assertArrayEquals(new int[] {1, 2, 1, 3}, Arrays.copyOf(d.counts(), 4));
    }
  }

  @Test
  void growsPastItsInitialBuffers() {
    KeyDeduper d = new KeyDeduper();
    d.begin(5000);
    for (int i = 0; i < 5000; i++) {
      d.add(Keys.mix(i % 3000));
    }
    d.finish();
    assertEquals(3000, d.size());
    for (int i = 1; i < 3000; i++) {
      assertEquals(true, d.keys()[i - 1] < d.keys()[i]);
    }
  }
}
