package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.Keys;

/** A worker's dictionary lists each server's keys together, the most used first. */
class KeyDictionaryTest {

  @Test
  void eachServersKeysComeTogetherTheMostUsedFirst() {
    KeyDictionary dict = new KeyDictionary();
    // Feature f is added 1 + f % 7 times, so counts tie often; more than the first table holds.
    for (int f = 0; f < 3000; f++) {
      for (int i = 0; i <= f % 7; i++) {
        dict.add(Keys.mix(f));
      }
    }
    KeyRanges ranges = KeyRanges.uniform(3);
    dict.finish(ranges);
    long[] keys = dict.keys();
    assertEquals(3000, keys.length);
    for (int r = 0; r < keys.length; r++) {
      assertEquals(r, dict.rank(keys[r]));
      if (r == 0) {
        continue;
      }
      int server = ranges.owner(keys[r]);
      int before = ranges.owner(keys[r - 1]);
      assertTrue(before <= server, "servers in order at rank " + r);
      if (before == server) {
        int count = count(keys[r]);
        int previous = count(keys[r - 1]);
        assertTrue(previous > count || previous == count && keys[r - 1] < keys[r],
            "within a server: most used first, ties ascending, at rank " + r);
      }
    }
  }

  /** How often the test added {@code key}. */
  private static int count(long key) {
    for (int f = 0; f < 3000; f++) {
      if (Keys.mix(f) == key) {
        return 1 + f % 7;
      }
    }
    throw new AssertionError("not a test key: " + key);
  }
}
