package trainyard.engine.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import trainyard.engine.optim.FmUpdater;
import trainyard.engine.optim.FtrlUpdater;
import trainyard.engine.optim.SgdUpdater;
import trainyard.engine.optim.WeightInit;

/** Members of one job in one JVM, each with its own data port on loopback. */
class NetTransportTest {
  private static final ControlHandler IGNORE = (from, payload) -> {};
  private static final Supplier<Updater> SGD = () -> new SgdUpdater(1, 1.0, 0, 0, WeightInit.ZERO);

  /** FM over FTRL: wide records, an embedding arena, state that depends on the order of pushes. */
  private static Updater fm() {
    return new FmUpdater(new FtrlUpdater(1, 0.1, 0.01, 0.01, WeightInit.ZERO), 4, 2, 0.05);
  }

  @Test
  void aDataPortOnABusyPortSaysWhichAndWhy() throws Exception {
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> DataPort.bind("127.0.0.1", busy.getLocalPort()));
      assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + busy.getLocalPort()), e.getMessage());
      assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("in use"), e.getMessage());
    }
  }

  @Test
  void oneWorkerAtTauZeroLeavesTheSameStateOverTheNetworkAsInOneProcess() throws Exception {
    KeyRanges ranges = KeyRanges.uniform(4);
    List<float[]> pulledHere = new ArrayList<>();
    byte[][] here;
    try (ParameterServer ps = new ParameterServer(ranges, NetTransportTest::fm, 16, "one")) {
      script(ps.newWorker(), pulledHere);
      here = new byte[4][];
      for (int s = 0; s < 4; s++) {
        here[s] = saved(ps, s);
      }
    }
    List<float[]> pulledThere = new ArrayList<>();
    int[] owners = {0, 1, 1, 0};
    try (Cluster c = Cluster.twoMembers(ranges, NetTransportTest::fm, owners, new ControlHandler[] {IGNORE, IGNORE},
        "equivalence")) {
      script(c.members[0].newWorker(), pulledThere);
      for (int s = 0; s < 4; s++) {
        assertArrayEquals(here[s], saved(c.members[owners[s]], s), "server shard " + s);
      }
    }
    assertEquals(pulledHere.size(), pulledThere.size());
    for (int i = 0; i < pulledHere.size(); i++) {
      assertArrayEquals(pulledHere.get(i), pulledThere.get(i), "pull " + i);
    }
  }

  /** Java's NIO and Netty's native epoll (where Linux has it, the default) talk to each other and lose nothing. */
  @Test
  void aNioMemberAndAnEpollMemberLeaveTheSameStateAsOneProcess() throws Exception {
    assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "skipped: Netty's native epoll is not available here: "
        + io.netty.channel.epoll.Epoll.unavailabilityCause());
    KeyRanges ranges = KeyRanges.uniform(4);
    List<float[]> pulledHere = new ArrayList<>();
    byte[][] here = new byte[4][];
    try (ParameterServer ps = new ParameterServer(ranges, NetTransportTest::fm, 16, "one")) {
      script(ps.newWorker(), pulledHere);
      for (int s = 0; s < 4; s++) {
        here[s] = saved(ps, s);
      }
    }
    int[] owners = {0, 1, 1, 0};
    // The worker on the NIO member, then on the epoll one: requests and replies cross both ways.
    for (int worker = 0; worker < 2; worker++) {
      List<float[]> pulledThere = new ArrayList<>();
      DataPort[] mixed = {DataPort.bind("127.0.0.1", 0, false), DataPort.bind("127.0.0.1", 0, true)};
      try (Cluster c = Cluster.twoMembers(ranges, NetTransportTest::fm, owners,
          new ControlHandler[] {IGNORE, IGNORE}, "mixed-" + worker, ParameterServer.Mode.THREADS, mixed,
          Duration.ofSeconds(5))) {
        script(c.members[worker].newWorker(), pulledThere);
        for (int s = 0; s < 4; s++) {
          assertArrayEquals(here[s], saved(c.members[owners[s]], s), "worker on rank " + worker + ", shard " + s);
        }
      }
      assertEquals(pulledHere.size(), pulledThere.size());
      for (int i = 0; i < pulledHere.size(); i++) {
        assertArrayEquals(pulledHere.get(i), pulledThere.get(i), "worker on rank " + worker + ", pull " + i);
      }
    }
  }

  /** Register, then alternate pulls and pushes by rank and by key, each waited for; gradients follow the pulls. */
  private static void script(KVWorker kv, List<float[]> pulled) {
    SplittableRandom rnd = new SplittableRandom(7);
    long[] dict = new long[3000];
    for (int i = 0; i < dict.length; i++) {
      dict[i] = Keys.mix(i);
    }
    Arrays.sort(dict);
    kv.waitFor(kv.register(dict));
    int pushWidth = 2 + 4;
    int pullWidth = 1 + 4;
    for (int step = 0; step < 40; step++) {
      int[] ranks = new int[dict.length];
      int n = 0;
      for (int r = 0; r < dict.length; r++) {
        if (rnd.nextInt(4) == 0) {
          ranks[n++] = r;
        }
      }
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        // Odd steps also touch keys nobody registered.
        keys[i] = step % 2 == 1 && i % 5 == 0 ? dict[ranks[i]] + 1 : dict[ranks[i]];
      }
      float[] out = new float[n * pullWidth];
      long pull = step % 2 == 0 ? kv.pullRanks(ranks, n, out) : kv.pull(keys, n, out);
      kv.waitFor(pull);
      pulled.add(out);
      float[] grads = new float[n * pushWidth];
      for (int i = 0; i < n; i++) {
        grads[i * pushWidth] = 1 + rnd.nextInt(3);
        for (int j = 1; j < pushWidth; j++) {
          grads[i * pushWidth + j] = out[i * pullWidth + Math.min(j - 1, pullWidth - 1)] + (float) rnd.nextGaussian();
        }
      }
      // Steps 0, 4, ... push by rank, 1, 5, ... by key, the others repeat their pull's keys.
      kv.waitFor(step % 4 == 0 ? kv.pushRanks(ranks, n, grads) : step % 4 == 1 ? kv.push(keys, n, grads)
          : kv.pushPulled(pull, grads, 1f));
    }
    // Pulls ahead, then their pushes in order: the first ones' ranks are no longer kept by the
    // servers and travel with the push, the last ones' do not.
    int ahead = KeptRanks.DEPTH + 2;
    long[] pulls = new long[ahead];
    float[][] outs = new float[ahead][];
    for (int i = 0; i < ahead; i++) {
      int[] ranks = new int[dict.length / (i + 2)];
      for (int r = 0; r < ranks.length; r++) {
        ranks[r] = r * (i + 2);
      }
      outs[i] = new float[ranks.length * pullWidth];
      pulls[i] = kv.pullRanks(ranks, ranks.length, outs[i]);
    }
    for (int i = 0; i < ahead; i++) {
      kv.waitFor(pulls[i]);
      pulled.add(outs[i]);
      float[] grads = new float[outs[i].length / pullWidth * pushWidth];
      Arrays.fill(grads, 0.25f * (i + 1));
      kv.pushPulled(pulls[i], grads, 1f);
    }
    kv.waitAll();
  }

  private static byte[] saved(ParameterServer ps, int server) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ps.save(server, new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  @Test
  void wireBytesPerKeyAreCountedOnBothEnds() {
    // Rank 0 holds no shard: everything its worker sends crosses the network.
    try (Cluster c = Cluster.twoMembers(KeyRanges.uniform(1), SGD, new int[] {1}, new ControlHandler[] {IGNORE, IGNORE},
        "bytes")) {
      ParameterServer a = c.members[0];
      ParameterServer b = c.members[1];
      assertEquals(0, a.localServers().length);
      long[] keys = new long[1000];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = i;
      }
      KVWorker kv = a.newWorker();
      kv.waitFor(kv.push(keys, new float[1000]));
      int frame = 4 + Frames.HEADER;
      assertEquals(frame + 4 + 12 * 1000, a.bytesSent(), "the rate, then an 8-byte key and one float per key");
      assertEquals(frame, a.bytesReceived(), "an acknowledgement");
      kv.waitFor(kv.pull(keys, new float[1000]));
      assertEquals(2 * frame + 4 + 12_000 + 8_000, a.bytesSent());
      assertEquals(2 * frame + 4_000, a.bytesReceived(), "a pull reply carries values only");
      assertEquals(a.bytesSent(), b.bytesReceived());
      assertEquals(a.bytesReceived(), b.bytesSent());
      assertEquals(1000, b.keyCount());
    }
  }

  @Test
  void aPushAfterItsPullByRankSendsValuesOnly() {
    try (Cluster c = Cluster.twoMembers(KeyRanges.uniform(1), SGD, new int[] {1}, new ControlHandler[] {IGNORE, IGNORE},
        "kept")) {
      ParameterServer a = c.members[0];
      long[] keys = new long[1000];
      int[] ranks = new int[1000];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = i;
        ranks[i] = i;
      }
      KVWorker kv = a.newWorker();
      kv.waitFor(kv.register(keys));
      long before = a.bytesSent();
      float[] w = new float[1000];
      long pull = kv.pullRanks(ranks, 1000, w);
      kv.waitFor(pull);
      float[] grads = new float[1000];
      Arrays.fill(grads, 2f);
      long push = kv.pushPulled(pull, grads, 0.5f);
      kv.waitFor(push);
      int frame = 4 + Frames.HEADER;
      assertEquals(before + frame + 4_000 + frame + 4 + 4_000, a.bytesSent(), "the pull's ranks, then the push's rate "
          + "and values");
      kv.waitFor(kv.pullRanks(ranks, 1000, w));
      assertEquals(-1f, w[999], "SGD at rate 1 times 0.5 applied the pushed gradient 2 to the pulled ranks' keys");
      assertThrows(IllegalArgumentException.class, () -> kv.pushPulled(pull, grads, 1f), "a pull is pushed once");
      assertThrows(IllegalArgumentException.class, () -> kv.pushPulled(push, grads, 1f), "a push is no pull");
    }
  }

  @Test
  void controlMessagesArriveInOrderAndHearOfAFailure() throws Exception {
    LinkedBlockingQueue<String> atZero = new LinkedBlockingQueue<>();
    ControlHandler zero = new ControlHandler() {
      @Override
      public void onMessage(int fromRank, byte[] payload) {
        atZero.add(fromRank + ":" + new String(payload, java.nio.charset.StandardCharsets.UTF_8));
      }

      @Override
      public void onFailure(RuntimeException cause) {
        atZero.add("failed: " + cause.getMessage());
      }
    };
    try (Cluster c = Cluster.twoMembers(KeyRanges.uniform(2), SGD, new int[] {0, 1}, new ControlHandler[] {zero, IGNORE},
        "control")) {
      for (String m : new String[] {"ready", "epoch 1", "stop"}) {
        c.members[1].sendControl(0, m.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      c.members[0].sendControl(0, "self".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        got.add(atZero.poll(5, TimeUnit.SECONDS));
      }
      assertTrue(got.indexOf("1:ready") < got.indexOf("1:epoch 1") && got.indexOf("1:epoch 1") < got.indexOf("1:stop")
          && got.contains("0:self"), got.toString());
      c.port(1).close();
      String failure = atZero.poll(5, TimeUnit.SECONDS);
      assertTrue(failure != null && failure.startsWith("failed: ") && failure.contains("rank 1 (127.0.0.1:"), failure);
      assertThrows(IllegalStateException.class, () -> c.members[0].sendControl(1, new byte[1]));
    }
  }

  @Test
  void aMemberThatClosesSaysGoodbyeSoOnlyNeedingItFails() {
    try (Cluster c = Cluster.start(Cluster.Kind.NETTY, KeyRanges.uniform(2), SGD)) {
      c.members[0].close();
      // Until rank 1 has read the goodbye, a message may still go out (and be lost): poll.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      IllegalStateException e = null;
      while (e == null && System.nanoTime() < deadline) {
        try {
          c.members[1].sendControl(0, new byte[1]);
          Thread.onSpinWait();
        } catch (IllegalStateException thrown) {
          e = thrown;
        }
      }
      assertTrue(e != null && e.getMessage().contains("rank 0 (127.0.0.1:" + c.port(0).port() + ") has left the job"),
          String.valueOf(e));
    }
  }

  @Test
  void aPeerWhoseDataPortClosesWakesABlockedWait() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // One float per key, and a push that holds its shard's thread until released.
    Supplier<Updater> stuck = () -> new Updater() {
      @Override
      public int stateWidth() {
        return 1;
      }

      @Override
      public int pullWidth() {
        return 1;
      }

      @Override
      public int pushWidth() {
        return 1;
      }

      @Override
      public void init(long key, float[] state, int off) {}

      @Override
      public void apply(long key, float[] grad, int goff, float[] state, int off, float rate) {
        entered.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public void read(long key, float[] state, int off, float[] out, int ooff) {}
    };
    try (Cluster c = Cluster.twoMembers(KeyRanges.uniform(1), stuck, new int[] {1}, new ControlHandler[] {IGNORE,
        IGNORE}, "closing")) {
      KVWorker kv = c.members[0].newWorker();
      CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> kv.waitFor(kv.push(new long[] {1}, new float[1])));
      assertTrue(entered.await(5, TimeUnit.SECONDS), "rank 1's shard got the push");
      long t0 = System.nanoTime();
      c.port(1).close();
      ExecutionException e = assertThrows(ExecutionException.class, () -> waited.get(4, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      String m = e.getCause().getMessage();
      assertTrue(m.contains("rank 1 (127.0.0.1:" + c.port(1).port() + ")") && m.contains("connection closed"), m);
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4), "well within the 5 s peer timeout");
      assertThrows(IllegalStateException.class, () -> kv.push(new long[] {1}, new float[1]));
      release.countDown();
    }
  }

  @Test
  void aBrokenConnectionIsToldInWordsNotByItsExceptionClass() {
    // What a job's log says when a member's executor dies: Netty's native text ends with the system's words.
    assertEquals("connection lost: Connection reset by peer",
        PeerLink.why(new IOException("recvAddress(..) failed with error(-104): Connection reset by peer")));
    assertEquals("connection lost: Broken pipe", PeerLink.why(new IOException("Broken pipe")));
    assertEquals("java.lang.IllegalStateException: frame too long",
        PeerLink.why(new IllegalStateException("frame too long")));
  }

  @Test
  void anOlderAttemptIsRefusedAtTheHello() {
    try (DataPort a = DataPort.bind("127.0.0.1", 0); DataPort b = DataPort.bind("127.0.0.1", 0);
        ParameterServer newer = ParameterServer.member(b, new Membership("job-s", 2, 0,
            List.of(address(b.port())), new int[] {0}), KeyRanges.uniform(1), SGD, 16, ParameterServer.Mode.THREADS, IGNORE)) {
      Membership older = new Membership("job-s", 1, 0, List.of(address(a.port()), address(b.port())), new int[] {0, 1},
          Duration.ofSeconds(5), Duration.ofSeconds(5));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> ParameterServer.member(a, older, KeyRanges.uniform(2), SGD, 16, ParameterServer.Mode.THREADS, IGNORE));
      assertTrue(e.getMessage().contains("rank 1 (127.0.0.1:" + b.port() + ") refused: stale attempt: job job-s "
          + "attempt 1, this executor runs attempt 2"), e.getMessage());
    }
  }

  @Test
  void framesOfAnAttemptReplacedMidRunAreRefused() {
    try (Cluster c = Cluster.twoMembers(KeyRanges.uniform(1), SGD, new int[] {1}, new ControlHandler[] {IGNORE, IGNORE},
        "job-r")) {
      KVWorker kv = c.members[0].newWorker();
      kv.waitFor(kv.push(new long[] {1}, new float[1]));
      // Attempt 2 of the job starts on rank 1's data port and takes attempt 1's place there.
      try (ParameterServer next = ParameterServer.member(c.port(1), new Membership("job-r", 2, 0,
          List.of(address(c.port(1).port())), new int[] {0}), KeyRanges.uniform(1), SGD, 16, ParameterServer.Mode.THREADS, IGNORE)) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> kv.waitFor(kv.push(new long[] {1}, new float[1])));
        assertTrue(e.getMessage().contains("stale attempt: job job-r attempt 1, this executor runs attempt 2"),
            e.getMessage());
        assertEquals(0, next.keyCount());
      }
    }
  }

  @Test
  void oneWayMessagesDoNotMakeALivePeerLookSilent() throws Exception {
    // Rank 1 reports to rank 0 more often than every third of the peer timeout, and nothing comes
    // back on that connection but the answers to pings. Pinging only when nothing was written
    // made rank 0 look silent here: a member that scanned its data for longer than the peer
    // timeout, reporting progress every second, lost the attempt.
    LinkedBlockingQueue<String> failures = new LinkedBlockingQueue<>();
    ControlHandler[] handlers = new ControlHandler[2];
    for (int r = 0; r < 2; r++) {
      String rank = "rank " + r + ": ";
      handlers[r] = new ControlHandler() {
        @Override
        public void onMessage(int fromRank, byte[] payload) {}

        @Override
        public void onFailure(RuntimeException cause) {
          failures.add(rank + cause.getMessage());
        }
      };
    }
    DataPort[] ports = {DataPort.bind("127.0.0.1", 0), DataPort.bind("127.0.0.1", 0)};
    try (Cluster c = Cluster.twoMembers(KeyRanges.uniform(2), SGD, new int[] {0, 1}, handlers, "one-way",
        ParameterServer.Mode.THREADS, ports, Duration.ofMillis(300))) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < end && failures.isEmpty()) {
        c.members[1].sendControl(0, new byte[] {1});
        Thread.sleep(30);
      }
      assertEquals(List.of(), new ArrayList<>(failures), "2 s of one-way messages, peer timeout 300 ms");
    }
  }

  @Test
  void aSilentPeerFailsAfterThePeerTimeout() throws Exception {
    // A raw socket: the kernel accepts the connection, nobody ever answers.
    try (DataPort a = DataPort.bind("127.0.0.1", 0);
        ServerSocket silent = new ServerSocket(0, 8, java.net.InetAddress.getByName("127.0.0.1"))) {
      Membership m = new Membership("job-q", 1, 0, List.of(address(a.port()), address(silent.getLocalPort())),
          new int[] {0, 1}, Duration.ofMillis(300), Duration.ofSeconds(5));
      long t0 = System.nanoTime();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> ParameterServer.member(a, m, KeyRanges.uniform(2), SGD, 16, ParameterServer.Mode.THREADS, IGNORE));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(e.getMessage().contains("rank 1 (127.0.0.1:" + silent.getLocalPort() + ") silent for 300 ms"),
          e.getMessage());
      assertTrue(ms >= 250 && ms < 4000, "failed after " + ms + " ms");
    }
  }

  @Test
  void connectingToAPortNobodyListensOnFailsAfterTheRetry() throws Exception {
    int nobody;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      nobody = s.getLocalPort();
    }
    try (DataPort a = DataPort.bind("127.0.0.1", 0)) {
      Membership m = new Membership("job-n", 1, 0, List.of(address(a.port()), address(nobody)), new int[] {0, 1},
          Duration.ofSeconds(5), Duration.ofMillis(400));
      long t0 = System.nanoTime();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> ParameterServer.member(a, m, KeyRanges.uniform(2), SGD, 16, ParameterServer.Mode.THREADS, IGNORE));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(e.getMessage().contains("rank 1 (127.0.0.1:" + nobody + ") could not connect within 400 ms"),
          e.getMessage());
      assertTrue(ms >= 200 && ms < 4000, "failed after " + ms + " ms");
      // The failed member left the port: the same attempt may register again.
      assertEquals(null, a.member("job-n"));
    }
  }

  @Test
  void closingLeavesNoNetworkOrShardThreads() throws Exception {
    try (Cluster c = Cluster.start(Cluster.Kind.NETTY, KeyRanges.uniform(2), SGD)) {
      KVWorker kv = c.worker(0);
      kv.waitFor(kv.push(new long[] {1, Long.MAX_VALUE}, new float[2]));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("trainyard-data-port") || t.getName().startsWith("job-1-r")) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        if (t.isAlive()) {
          alive.add(t.getName());
        }
      }
    }
    assertTrue(alive.isEmpty(), "still running: " + alive);
  }

  private static InetSocketAddress address(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }
}
