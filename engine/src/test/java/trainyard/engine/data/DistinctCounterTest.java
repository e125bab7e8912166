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
  void mergingCountsWhatBothSaw() {
    DistinctCounter a = new DistinctCounter();
    DistinctCounter b = new DistinctCounter();
    a.addAll(new long[] {1, 70_000, 1L << 40, 3L << 40}, 4);
    b.addAll(new long[] {1, 9_000_000, 1L << 40, 5L << 40}, 4);
    a.addAll(b);
    assertEquals(6, a.count());
    assertTrue(a.exact());

    // past the exact limit on one side: the union is a sketch, close to the truth
    DistinctCounter big = new DistinctCounter();
    long[] keys = new long[1 << 16];
    long next = 1L << 40;
    for (int done = 0; done < 2_500_000; done += keys.length) {
      for (int i = 0; i < keys.length; i++) {
        keys[i] = next++;
      }
      big.addAll(keys, keys.length);
    }
    DistinctCounter small = new DistinctCounter();
    small.addAll(new long[] {1, 2, 3, 1L << 41}, 4);
    small.addAll(big);
    assertFalse(small.exact());
    long truth = next - (1L << 40) + 4;
    assertTrue(Math.abs(small.count() - truth) < truth * 0.03, "estimate " + small.count() + " vs " + truth);
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
