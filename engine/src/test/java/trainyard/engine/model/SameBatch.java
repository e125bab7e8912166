package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import trainyard.engine.ps.BatchKeys;

/**
 * Checks a de-duplicated minibatch against the {@link BatchKeys} reference, whose unique keys are
 * ascending, while a worker dictionary numbers them hot keys first: the same keys, each occurrence
 * naming the same key, the same count per key.
 */
final class SameBatch {
  private SameBatch() {}

  /** {@code keys[0..n)}: the batch's unique keys; {@code counts} may be null. */
  static void assertSame(BatchKeys reference, long[] keys, int[] counts, int[] occurrences, int n, int occ) {
    long[] expected = Arrays.copyOf(reference.keys(), n);
    long[] sorted = Arrays.copyOf(keys, n);
    Arrays.sort(sorted);
    assertArrayEquals(expected, sorted, "the same unique keys");
    for (int pos = 0; pos < occ; pos++) {
      assertEquals(expected[reference.occurrences()[pos]], keys[occurrences[pos]], "occurrence " + pos);
    }
    if (counts != null) {
      for (int i = 0; i < n; i++) {
        assertEquals(reference.counts()[Arrays.binarySearch(expected, keys[i])], counts[i], "count of key " + keys[i]);
      }
    }
  }

  /** The keys of dictionary ranks {@code ranks[0..n)}. */
  static long[] keysOf(KeyDictionary dict, int[] ranks, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = dict.keys()[ranks[i]];
    }
    return out;
  }
}
