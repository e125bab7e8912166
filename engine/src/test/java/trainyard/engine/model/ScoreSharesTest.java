package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.optim.SgdUpdater;
import trainyard.engine.optim.WeightInit;
import trainyard.engine.ps.KVWorker;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.Keys;
import trainyard.engine.ps.ParameterServer;

class ScoreSharesTest {
  /** The memo of ids that handles() keeps gives each entry what the servers would: ids colliding in it, and ids no server holds. */
  @Test
  void handlesAreTheReadersWhateverTheMemo() {
    try (ParameterServer ps = new ParameterServer(KeyRanges.uniform(3), () -> new SgdUpdater(1, 1.0, 0, 0, WeightInit.ZERO),
        1024, "test")) {
      long[] held = new long[150_000]; // more than the memo's slots: its ids collide
      for (int i = 0; i < held.length; i++) {
        held[i] = Keys.mix(2L * i); // odd ids are held by no server
      }
      java.util.Arrays.sort(held);
      KVWorker kv = ps.newWorker();
      float[] ones = new float[held.length];
      java.util.Arrays.fill(ones, 1f);
      kv.push(held, ones);
      kv.waitAll();
      SplittableRandom random = new SplittableRandom(9);
      int n = 1_000_000;
      long[] ids = new long[n];
      for (int e = 0; e < n; e++) {
        ids[e] = (long) (300_000 * Math.pow(random.nextDouble(), 2)); // skewed, as features are
      }
      int[] rowStart = {0, n};
      CsrBlock rows = new CsrBlock(1, rowStart, ids, null, new float[1], null);
      ParameterServer.Reader reader = ps.reader();
      int[] handles = ScoreShares.handles(rows, reader);
      for (int e = 0; e < n; e++) {
        assertEquals(reader.locate(Keys.mix(ids[e])), handles[e], "entry " + e + ", id " + ids[e]);
      }
    }
  }
}
