package trainyard.engine.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import trainyard.engine.optim.SgdUpdater;
import trainyard.engine.optim.WeightInit;

/**
 * The parameter server in a dozen lines: also its tutorial. Scenarios run in one process and
 * split between two members that talk over loopback ({@link Cluster}).
 */
class ParameterServerTest {

  @ParameterizedTest
  @EnumSource(Cluster.Kind.class)
  void twoServersTwoWorkersAddUpEveryPush(Cluster.Kind kind) throws Exception {
    // SGD with η = 1 on a zero start: a key's value is minus the sum of its pushed gradients.
    try (Cluster ps = Cluster.start(kind, KeyRanges.uniform(2), () -> new SgdUpdater(1, 1.0, 0, 0, WeightInit.ZERO))) {
      long[] keys = {Keys.mix(1), Keys.mix(2), Keys.mix(3), Keys.mix(4)};
      Arrays.sort(keys);
      int[] ids = {0};
      Runnable worker = () -> {
        KVWorker kv;
        synchronized (ids) {
          kv = ps.worker(ids[0]++);
        }
        for (int i = 0; i < 100; i++) {
          kv.push(keys, new float[] {1, 2, 3, 4});
        }
        kv.waitAll();
      };
      Thread a = new Thread(worker);
      Thread b = new Thread(worker);
      a.start();
      b.start();
      a.join();
      b.join();
      KVWorker kv = ps.worker(2);
      float[] out = new float[4];
      kv.waitFor(kv.pull(keys, out));
      assertArrayEquals(new float[] {-200, -400, -600, -800}, out);
      assertEquals(4, ps.keyCount());
    }
  }

  @ParameterizedTest
  @EnumSource(Cluster.Kind.class)
  void aReaderReadsTheKeysOfItsOwnShards(Cluster.Kind kind) {
    // What validation scores with where the model lives: each member reads only the shards it holds.
    try (Cluster ps = Cluster.start(kind, KeyRanges.uniform(4), () -> new SgdUpdater(1, 1.0, 0, 0, WeightInit.ZERO))) {
      long[] keys = new long[40];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = Keys.mix(i);
      }
      Arrays.sort(keys);
      float[] grads = new float[keys.length];
      for (int i = 0; i < grads.length; i++) {
        grads[i] = i + 1;
      }
      KVWorker kv = ps.worker(0);
      kv.push(keys, grads);
      kv.waitAll();
      int found = 0;
      for (ParameterServer member : ps.members) {
        ParameterServer.Reader reader = member.reader();
        assertEquals(member.keyCount(), reader.keys());
        float[] values = reader.values();
        assertEquals(reader.keys(), values.length, "one float a key");
        for (int i = 0; i < keys.length; i++) {
          int h = reader.locate(keys[i]);
          if (h >= 0) {
            found++;
            assertTrue(h < reader.keys());
            assertEquals(-grads[i], values[h]);
          }
        }
        assertEquals(-1, reader.locate(Keys.mix(1000)), "a key no shard holds");
      }
      assertEquals(keys.length, found, "every key is read by the one member that holds it");
    }
  }

  @Test
  void keysSpreadOverServerRanges() {
    KeyRanges ranges = KeyRanges.uniform(4);
    int[] perServer = new int[4];
    for (long id = 0; id < 10_000; id++) {
      perServer[ranges.owner(Keys.mix(id))]++;
    }
    for (int n : perServer) {
      assertTrue(n > 2300 && n < 2700, "unbalanced ranges: " + Arrays.toString(perServer));
    }
    assertEquals(0, ranges.owner(Long.MIN_VALUE));
    assertEquals(3, ranges.owner(Long.MAX_VALUE));
  }

  @ParameterizedTest
  @EnumSource(Cluster.Kind.class)
  void pullSeesTheSameWorkersEarlierPush(Cluster.Kind kind) {
    try (Cluster ps = Cluster.start(kind, KeyRanges.uniform(3), () -> new SgdUpdater(2, 0.5, 0, 0, WeightInit.ZERO))) {
      KVWorker kv = ps.worker(1);
      long[] keys = {-5, 0, 7, Long.MAX_VALUE};
      kv.push(keys, new float[] {2, 4, 6, 8, 10, 12, 14, 16});
      float[] out = new float[8];
      kv.waitFor(kv.pull(keys, out));
      assertArrayEquals(new float[] {-1, -2, -3, -4, -5, -6, -7, -8}, out);
    }
  }

  @Test
  void aPullReadsTheServersOfItsOwnProcessWhenWaitedFor() {
    // Member 0 holds server 0 and runs its requests inline; server 1 is member 1's, over loopback.
    try (Cluster ps = Cluster.start(Cluster.Kind.NETTY_INLINE, KeyRanges.uniform(2),
        () -> new SgdUpdater(1, 1.0, 0, 0, WeightInit.ZERO))) {
      KVWorker kv = ps.worker(0);
      long[] keys = {-5, 7};
      assertEquals(0, KeyRanges.uniform(2).owner(keys[0]));
      assertEquals(1, KeyRanges.uniform(2).owner(keys[1]));
      // A pull issued ahead, then a push: the remote part was sent first and misses the push;
      // the local part runs at the wait and sees it.
      float[] ahead = new float[2];
      long pull = kv.pull(keys, ahead);
      kv.push(keys, new float[] {1, 1});
      kv.waitFor(pull);
      assertArrayEquals(new float[] {-1, 0}, ahead);
      // Pushing a pull's gradient runs its held-back part first: it reads the values before the push.
      float[] before = new float[2];
      long next = kv.pull(keys, before);
      kv.pushPulled(next, new float[] {2, 2}, 1f);
      kv.waitFor(next);
      assertArrayEquals(new float[] {-1, -1}, before);
      float[] after = new float[2];
      kv.waitFor(kv.pull(keys, after));
      assertArrayEquals(new float[] {-3, -3}, after);
    }
  }

  @ParameterizedTest
  @EnumSource(Cluster.Kind.class)
  void registeredKeysComeGroupedByServerInAnyOrderWithin(Cluster.Kind kind) {
    try (Cluster ps = Cluster.start(kind, KeyRanges.uniform(2), () -> new SgdUpdater(1, 1.0, 0, 0, WeightInit.ZERO))) {
      KVWorker kv = ps.worker(0);
      // Server 0 holds the negative keys, server 1 the others; a worker lists its hot keys first.
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> kv.register(new long[] {-3, 8, -9}));
      assertTrue(e.getMessage().contains("keys[2]=-9 belongs to server 0, after keys of server 1"), e.getMessage());
      kv.waitFor(kv.register(new long[] {-3, -9, 8, 2}));
      kv.pushRanks(new int[] {0, 1, 2, 3}, 4, new float[] {1, 2, 3, 4});
      float[] out = new float[4];
      kv.waitFor(kv.pull(new long[] {-9, -3, 2, 8}, out));
      assertArrayEquals(new float[] {-2, -1, -4, -3}, out);
    }
  }

  @Test
  void rejectsKeysOutOfOrderAndShortBuffers() {
    try (ParameterServer ps = new ParameterServer(KeyRanges.uniform(1),
        () -> new SgdUpdater(1, 1, 0, 0, WeightInit.ZERO), 16, "bad")) {
      KVWorker kv = ps.newWorker();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> kv.push(new long[] {3, 3}, new float[2]));
      assertTrue(e.getMessage().contains("keys[1]=3"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> kv.pull(new long[] {1, 2}, new float[1]));
      assertTrue(e.getMessage().contains("2 x 1"), e.getMessage());
    }
  }

  @Test
  void denseRangesCoverEveryKey() {
    KeyRanges r = KeyRanges.dense(10, 3);
    assertEquals(0, r.owner(0));
    assertEquals(0, r.owner(2));
    assertEquals(1, r.owner(3));
    assertEquals(2, r.owner(9));
  }

  @ParameterizedTest
  @EnumSource(Cluster.Kind.class)
  void registeredKeysAreAddressedByRank(Cluster.Kind kind) {
    try (Cluster ps = Cluster.start(kind, KeyRanges.uniform(2), () -> new SgdUpdater(1, 1.0, 0, 0, WeightInit.ZERO))) {
      long[] keys = {Keys.mix(10), Keys.mix(11), Keys.mix(12), Keys.mix(13), Keys.mix(14)};
      Arrays.sort(keys);
      KVWorker kv = ps.worker(0);
      kv.waitFor(kv.register(keys));
      assertEquals(5, ps.keyCount());
      kv.pushRanks(new int[] {0, 2, 4}, 3, new float[] {1, 2, 3});
      float[] out = new float[2];
      kv.waitFor(kv.pullRanks(new int[] {2, 4}, 2, out));
      assertArrayEquals(new float[] {-2, -3}, out);
      // Another worker sees the same values by key.
      KVWorker other = ps.worker(1);
      float[] all = new float[5];
      other.waitFor(other.pull(keys, all));
      assertArrayEquals(new float[] {-1, 0, -2, 0, -3}, all);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> kv.pullRanks(new int[] {1, 5}, 2, new float[2]));
      assertTrue(e.getMessage().contains("ranks[1]=5"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> other.pullRanks(new int[] {0}, 1, new float[1]));
    }
  }
}
