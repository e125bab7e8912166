package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
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

  /**
   * Compact ids kept in an array by id give the same order and ranks as the hash table; ids
   * outside the array (negative, as the bias is, or beyond the dataset's largest) still work.
   */
  @Test
  void compactIdsInAnArrayGiveTheSameOrderAndRanksAsHashing() {
    SplittableRandom random = new SplittableRandom(5);
    CsrBlock block = rows(random, 20_000, 5000);
    KeyRanges ranges = KeyRanges.uniform(4);
    KeyDictionary hashed = new KeyDictionary();
    KeyDictionary dense = new KeyDictionary(4000); // ids 4000..4999 go to its table
    for (KeyDictionary d : new KeyDictionary[] {hashed, dense}) {
      d.add(Keys.mix(Keys.BIAS_FEATURE));
      d.addAll(block);
      d.add(Keys.mix(17)); // by key, an id of the array
      d.finish(ranges);
    }
    assertEquals(hashed.size(), dense.size());
    assertArrayEquals(hashed.keys(), dense.keys());
    assertArrayEquals(hashed.ranks(block), dense.ranks(block));
    for (long key : hashed.keys()) {
      assertEquals(hashed.rank(key), dense.rank(key));
    }
    CsrBlock unknown = new CsrBlock(1, new int[] {0, 1}, new long[] {5000}, null, new float[1], null);
    CsrBlock never = new CsrBlock(1, new int[] {0, 1}, new long[] {3999}, null, new float[1], null);
    assertThrows(IllegalArgumentException.class, () -> dense.ranks(unknown), "beyond the array, not in the table");
    assertThrows(IllegalArgumentException.class, () -> dense.ranks(never), "in the array's range, never added");
    assertThrows(IllegalArgumentException.class, () -> dense.rank(Keys.mix(3999)));
  }

  /** Rows of 20 ids below {@code ids}, skewed towards small ones; some ids are never drawn. */
  private static CsrBlock rows(SplittableRandom random, int rows, int ids) {
    int[] rowStart = new int[rows + 1];
    long[] keys = new long[rows * 20];
    for (int e = 0; e < keys.length; e++) {
      long id = (long) (ids * Math.pow(random.nextDouble(), 3));
      keys[e] = id == 3999 ? 3998 : id;
    }
    for (int r = 0; r <= rows; r++) {
      rowStart[r] = r * 20;
    }
    return new CsrBlock(rows, rowStart, keys, null, new float[rows], null);
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
