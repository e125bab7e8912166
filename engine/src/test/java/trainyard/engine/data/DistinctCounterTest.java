package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DistinctCounterTest {
  @Test
  void countsExactlyWithDuplicatesAndZero() {
    DistinctCounter c = new DistinctCounter();
    c.addAll(new long[] {0, 5, 5, Long.MAX_VALUE, 0, 7}, 6);
    c.addAll(new long[] {7, 8, 99}, 2);
    assertEquals(5, c.count());
    assertTrue(c.exact());
  }

  @Test
  void smallKeysAreCountedExactlyInTheBitmap() {
    DistinctCounter c = new DistinctCounter();
    long[] keys = new long[5000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = FeatureHash.bucket(i % 3000, 12);
    }
    c.addAll(keys, keys.length);
    java.util.Set<Long> truth = new java.util.HashSet<>();
    for (long k : keys) {
      truth.add(k);
    }
    assertEquals(truth.size(), c.count());
  }

  @Test
  void estimatesPastTheExactLimit() {
    DistinctCounter c = new DistinctCounter();
    int n = 3_000_000;
    long[] keys = new long[1 << 16];
    long next = 1;
    for (int done = 0; done < n; done += keys.length) {
      int k = Math.min(keys.length, n - done);
      for (int i = 0; i < k; i++) {
        keys[i] = next++ * 7919;
      }
      c.addAll(keys, k);
    }
    assertFalse(c.exact());
    assertEquals(n, c.count(), n * 0.03);
  }
}
