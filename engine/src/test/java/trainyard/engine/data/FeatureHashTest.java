package trainyard.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FeatureHashTest {
  @Test
  void bucketsStayInRangeAndSpreadSequentialIds() {
    int bits = 10;
    int[] counts = new int[1 << bits];
    int n = 1 << 20;
    for (long id = 0; id < n; id++) {
      long b = FeatureHash.bucket(id, bits);
      assertTrue(b >= 0 && b < counts.length, "bucket " + b);
      counts[(int) b]++;
    }
    double expected = (double) n / counts.length;
    double chi2 = 0;
    for (int c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    // 1023 degrees of freedom: mean 1023, sd about 45; a broken mixer gives orders of magnitude more
    assertTrue(chi2 < 1300, "chi2 " + chi2);
  }

  @Test
  void isFixed() {
    // models record only hashBits: this mapping must never change
    assertEquals(0L, FeatureHash.mix(0));
    assertEquals(FeatureHash.mix(12345L) >>> 40, FeatureHash.bucket(12345L, 24));
    assertEquals(0x5692161d100b05e5L, FeatureHash.mix(1));
  }
}
