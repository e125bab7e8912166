package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.ps.DataPort;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.testing.Specs;
import trainyard.engine.testing.Synthetic;
import trainyard.spec.JobSpec;

/**
 * A job spread over two members, each with its own data port on loopback, as two executors run
 * it: the members train the model one process would, and a lost member loses the attempt, which
 * the next attempt resumes from the checkpoint.
 */
class DistributedTrainerTest {
  static final CsrBlock DATA = Synthetic.interactions(6000, 4, 25, 21);
  static final MemoryDataset TRAIN = MemoryDataset.of(Synthetic.head(DATA, 5000));
  static final CsrBlock TEST = Synthetic.tail(DATA, 5000);
  static final MemoryDataset VALIDATION = MemoryDataset.of(TEST);
  /** Half of TRAIN's rows in two shards: a hung read stops a member mid-epoch. */
  static final MemoryDataset TWO_SHARDS = MemoryDataset.of(Synthetic.head(DATA, 2500),
      Synthetic.tail(Synthetic.head(DATA, 5000), 2500));

  @TempDir
  Path dir;
  private final List<DataPort> ports = new ArrayList<>();

  @BeforeEach
  void bind() {
    ports.add(DataPort.bind("127.0.0.1", 0));
    ports.add(DataPort.bind("127.0.0.1", 0));
  }

  @AfterEach
  void close() {
    ports.forEach(DataPort::close);
  }

  static JobSpec fm(int workers, int maxDelay, int epochs) {
    return Specs.spec("fm", "logistic", "adagrad", 0.05, 0, 0.01, 4, epochs, 100, new int[0], 2, workers, 2, maxDelay,
        null, 0, 8);
  }

  /** Two members; member r runs workers {@code workers[r]} and server shard r. */
  private List<Cluster> clusters(String job, int attempt, int... workers) {
    List<Cluster.Peer> peers = new ArrayList<>();
    int first = 0;
    for (int r = 0; r < 2; r++) {
      peers.add(new Cluster.Peer(new InetSocketAddress("127.0.0.1", ports.get(r).port()), first, workers[r], r, 1));
      first += workers[r];
    }
    List<Cluster> clusters = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      clusters.add(new Cluster(job, attempt, r, peers, ports.get(r), Duration.ofSeconds(5), Duration.ofSeconds(10)));
    }
    return clusters;
  }

  /** Runs rank 1 on a thread and rank 0 here; rank 1's result or failure is in the future. */
  private TrainResult runBoth(JobSpec spec, Path ckpt, List<Cluster> clusters, TrainListener listener,
      BooleanSupplier rank1Abandons, CompletableFuture<TrainResult> rank1) throws Exception {
    Thread t = new Thread(() -> {
      try {
        rank1.complete(new Trainer(Clock.systemUTC()).run(new TrainRequest(spec, TRAIN, VALIDATION, ckpt), clusters.get(1),
            TrainListener.NONE, rank1Abandons));
      } catch (Throwable e) {
        rank1.completeExceptionally(e);
      }
    }, "rank-1");
    t.start();
    try {
      return new Trainer(Clock.systemUTC()).run(new TrainRequest(spec, TRAIN, VALIDATION, ckpt), clusters.get(0), listener,
          () -> false);
    } finally {
      t.join(30_000);
    }
  }

  @Test
  void twoMembersAtTauZeroTrainWhatOneProcessTrains() throws Exception {
    assertTrainsWhatOneProcessTrains(fm(1, 0, 3));
  }

  @Test
  void twoMembersAtTauZeroTrainTheMlpOneProcessTrains() throws Exception {
    // A dense model over two servers: exported from both members' shard files, validated from the model.
    assertTrainsWhatOneProcessTrains(Specs.spec("mlp", "logistic", "adagrad", 0.05, 0, 0, 8, 3, 100,
        new int[] {8}, 0, 1, 2, 0, null, 0, 8));
  }

  @Test
  void aLearningRateScheduleIsTheSameOverTheNetwork() throws Exception {
    // Each push carries its factor: the members' servers apply what one process's apply.
    assertTrainsWhatOneProcessTrains(Specs.withSchedule(fm(1, 0, 3), "cosine", 20));
  }

  private void assertTrainsWhatOneProcessTrains(JobSpec spec) throws Exception {
    // One worker and τ = 0 make the order of every update fixed, so the models must agree.
    List<java.util.Map<String, Double>> aloneMetrics = new ArrayList<>();
    TrainResult alone = Trainer.train(new TrainRequest(spec, TRAIN, VALIDATION, dir.resolve("alone")),
        new TrainListener() {
          @Override
          public void onEpoch(int epoch, long step, java.util.Map<String, Double> metrics) {
            aloneMetrics.add(metrics);
          }
        }, () -> false);

    CompletableFuture<TrainResult> rank1 = new CompletableFuture<>();
    List<Integer> epochs = new ArrayList<>();
    List<java.util.Map<String, Double>> togetherMetrics = new ArrayList<>();
    TrainResult together = runBoth(spec, dir.resolve("together"), clusters("job-eq", 1, 1, 0), new TrainListener() {
      @Override
      public void onEpoch(int epoch, long step, java.util.Map<String, Double> metrics) {
        epochs.add(epoch);
        togetherMetrics.add(metrics);
      }
    }, () -> false, rank1);
    // One process validates the model it would export, bit for bit; two add up their shares of each
    // row's score, in another order, so the last float of a score may differ.
    assertEquals(alone.model().evaluate(TEST), alone.finalMetrics().entrySet().stream()
        .filter(e -> e.getKey().startsWith("val_")).collect(java.util.stream.Collectors.toMap(
            java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
    for (int e = 0; e < 3; e++) {
      for (String m : List.of(Evaluation.VAL_AUC, Evaluation.VAL_LOGLOSS, Evaluation.VAL_ACCURACY)) {
        assertEquals(aloneMetrics.get(e).get(m), togetherMetrics.get(e).get(m), 1e-6, m + " of epoch " + (e + 1));
      }
    }

    assertNull(rank1.get(10, TimeUnit.SECONDS), "only rank 0 returns the result");
    assertEquals(List.of(1, 2, 3), epochs);
    float[] expected = alone.model().predict(TEST);
    float[] actual = together.model().predict(TEST);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6, "prediction " + i);
    }
    Path a = dir.resolve("alone.bin");
    Path b = dir.resolve("together.bin");
    alone.model().save(a);
    together.model().save(b);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same weights, bit for bit");
  }

  @Test
  void workersOnBothMembersLearnAsWellAsInOneProcess() throws Exception {
    // The same asynchrony both ways: servers on their own threads in the one process too (on a
    // small machine it would run them in the workers' threads, every push applied at once, which
    // learns this tiny set faster than any asynchronous run).
    JobSpec spec = fm(2, 0, 6);
    double alone;
    System.setProperty("trainyard.engine.ps.mode", "threads");
    try {
      alone = Trainer.train(new TrainRequest(spec, TRAIN, null, dir.resolve("alone")), TrainListener.NONE,
          () -> false).model().evaluate(TEST).get("val_auc");
    } finally {
      System.clearProperty("trainyard.engine.ps.mode");
    }
    CompletableFuture<TrainResult> rank1 = new CompletableFuture<>();
    List<Double> waits = new ArrayList<>();
    TrainResult together = runBoth(spec, dir.resolve("together"), clusters("job-2w", 1, 1, 1), new TrainListener() {
      @Override
      public void onEpoch(int epoch, long step, java.util.Map<String, Double> metrics) {
        waits.add(metrics.get(Evaluation.BARRIER_WAIT));
      }
    }, () -> false, rank1);
    rank1.get(10, TimeUnit.SECONDS);
    assertEquals(6, waits.size());
    assertTrue(waits.stream().allMatch(w -> w != null && w >= 0 && w < 1), "barrier_wait of every epoch: " + waits);
    double auc = together.model().evaluate(TEST).get("val_auc");
    // Asynchronous runs of this small set spread over about 0.89..0.96, alone or not, so the two
    // runs' difference does too: -0.024..+0.058 over 25 pairs, and -0.054 once (0.890 against 0.944).
    assertTrue(auc > 0.85 && auc > alone - 0.08, "AUC " + auc + " over two members, " + alone + " alone");
    assertFalse(together.cancelled());
  }

  @Test
  @org.junit.jupiter.api.Timeout(60) // a regression hangs: fail instead
  void aMemberThatStallsWhileConnectedLosesTheAttempt() throws Exception {
    // Rank 1's shard reads hang from epoch 2 on, as on a file system that stopped answering. Its
    // data port still answers pings and its main thread still reports: only its progress stops.
    JobSpec spec = fm(2, 0, 4);
    List<Cluster> clusters = clusters("job-stall", 1, 1, 1);
    Path ckpt = dir.resolve("ckpt");
    try (HangingDataset hanging = new HangingDataset(TWO_SHARDS)) {
      // No cache: every epoch reads its shards again.
      CompletableFuture<TrainResult> rank1 = started(new Trainer(Clock.systemUTC()),
          new TrainRequest(spec, hanging, VALIDATION, ckpt).withCacheBytes(0), clusters.get(1), TrainListener.NONE,
          () -> false);
      long started = System.nanoTime();
      // The coordinator (rank 0) watches; a stall timeout of 3 s, three of the members' reports.
      AttemptLostException lost = assertThrows(AttemptLostException.class, () -> new Trainer(Clock.systemUTC(),
          Duration.ofSeconds(3)).run(new TrainRequest(spec, TWO_SHARDS, VALIDATION, ckpt), clusters.get(0),
          afterEachEpoch(hanging::hang), () -> false));
      assertTrue(lost.getMessage().startsWith("member 1 made no progress for "), lost.getMessage());
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "lost within the stall timeout, not hung");
      // Rank 1 leaves too: its coordinator has gone.
      assertThrows(ExecutionException.class, () -> rank1.get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60) // a regression hangs: fail instead
  void aMemberLetGoWhileItsReadsHangLeavesAtOnce() throws Exception {
    // The executor of rank 1 lets the job go (the scheduler moved it, or the executor stops) while
    // rank 1's shard reads hang. Its member must leave at once rather than wait for a worker that
    // may never return: that thread, and the cores the executor counts for the job, would be held
    // as long as the file system hangs, and the executor would refuse the job's next attempt.
    JobSpec spec = fm(2, 0, 4);
    List<Cluster> clusters = clusters("job-let-go", 1, 1, 1);
    Path ckpt = dir.resolve("ckpt");
    AtomicBoolean letGo = new AtomicBoolean();
    try (HangingDataset hanging = new HangingDataset(TWO_SHARDS)) {
      CompletableFuture<TrainResult> rank1 = started(new Trainer(Clock.systemUTC()),
          new TrainRequest(spec, hanging, VALIDATION, ckpt).withCacheBytes(0), clusters.get(1), TrainListener.NONE,
          letGo::get);
      // No stall watch on the coordinator: only rank 1's leaving can end the attempt.
      CompletableFuture<TrainResult> rank0 = started(new Trainer(Clock.systemUTC()),
          new TrainRequest(spec, TWO_SHARDS, VALIDATION, ckpt), clusters.get(0), afterEachEpoch(hanging::hang),
          () -> false);
      assertTrue(hanging.awaitHungRead(30), "rank 1 reads in epoch 2");
      letGo.set(true);
      long t0 = System.nanoTime();
      assertNull(rank1.get(10, TimeUnit.SECONDS), "rank 1 left while its read still hung");
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "at its next look, well within 5 s");
      ExecutionException e = assertThrows(ExecutionException.class, () -> rank0.get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof AttemptLostException
          && e.getCause().getMessage().contains("rank 1 left the job before it ended"), String.valueOf(e.getCause()));
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60) // a regression hangs: fail instead
  void aCoordinatorStuckInAStepOfItsOwnLosesTheAttemptForEveryMember() throws Exception {
    // Rank 0's coordinator blocks in its report after epoch 1, as in a manifest commit on a hung
    // file system. Rank 1 waits for its next command and sees nothing wrong: the connection is
    // alive. Rank 0 gives its coordinator up after the stall timeout and closes its servers, and
    // rank 1 leaves with it.
    JobSpec spec = fm(2, 0, 4);
    List<Cluster> clusters = clusters("job-stuck-coordinator", 1, 1, 1);
    Path ckpt = dir.resolve("ckpt");
    java.util.concurrent.CountDownLatch wake = new java.util.concurrent.CountDownLatch(1);
    try {
      CompletableFuture<TrainResult> rank1 = started(new Trainer(Clock.systemUTC()),
          new TrainRequest(spec, TRAIN, VALIDATION, ckpt), clusters.get(1), TrainListener.NONE, () -> false);
      long started = System.nanoTime();
      AttemptLostException lost = assertThrows(AttemptLostException.class, () -> new Trainer(Clock.systemUTC(),
          Duration.ofSeconds(3)).run(new TrainRequest(spec, TRAIN, VALIDATION, ckpt), clusters.get(0),
          afterEachEpoch(() -> {
            try {
              wake.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }), () -> false));
      assertTrue(lost.getMessage().startsWith("the coordinator (rank 0) made no progress for "), lost.getMessage());
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "lost within the stall timeout, not hung");
      ExecutionException e = assertThrows(ExecutionException.class, () -> rank1.get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof AttemptLostException, String.valueOf(e.getCause()));
    } finally {
      wake.countDown();
    }
  }

  /** A member on a thread of its own (as in its own process); its result or failure is in the future. */
  private static CompletableFuture<TrainResult> started(Trainer trainer, TrainRequest request, Cluster cluster,
      TrainListener listener, BooleanSupplier leaves) {
    CompletableFuture<TrainResult> result = new CompletableFuture<>();
    new Thread(() -> {
      try {
        result.complete(trainer.run(request, cluster, listener, leaves));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "rank-" + cluster.rank()).start();
    return result;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A listener that runs {@code then} after every epoch. */
  private static TrainListener afterEachEpoch(Runnable then) {
    return new TrainListener() {
      @Override
      public void onEpoch(int epoch, long step, java.util.Map<String, Double> metrics) {
        then.run();
      }
    };
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aMembersSpeedLeavesOutTheWaitBetweenEpochs() throws Exception {
    // Rank 0's listener holds the coordinator 1.5 s after each epoch, and rank 1 waits that long
    // for the next. Rank 1 trains half the rows, so its speed is about half the job's; counted
    // over the wait too it would be a few percent of it.
    JobSpec spec = fm(2, 4, 3);
    List<Cluster> clusters = clusters("job-speed", 1, 1, 1);
    Path ckpt = dir.resolve("ckpt");
    List<Double> rank1Speeds = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<TrainResult> rank1 = started(new Trainer(Clock.systemUTC()),
        new TrainRequest(spec, TRAIN, VALIDATION, ckpt), clusters.get(1), new TrainListener() {
          @Override
          public void onMember(double examplesPerSec, long bytesSent, long bytesReceived) {
            rank1Speeds.add(examplesPerSec);
          }
        }, () -> false);
    List<Double> jobSpeeds = new ArrayList<>();
    new Trainer(Clock.systemUTC()).run(new TrainRequest(spec, TRAIN, VALIDATION, ckpt), clusters.get(0),
        new TrainListener() {
          @Override
          public void onEpoch(int epoch, long step, java.util.Map<String, Double> metrics) {
            jobSpeeds.add(metrics.get(Evaluation.EXAMPLES_PER_SEC));
            if (epoch < 3) {
              sleep(1500);
            }
          }
        }, () -> false);
    rank1.get(30, TimeUnit.SECONDS);
    double member = rank1Speeds.get(rank1Speeds.size() - 1);
    double job = jobSpeeds.get(jobSpeeds.size() - 1);
    assertTrue(member > job / 4, "rank 1's speed " + member + " against the job's " + job);
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aSlowDictionaryPassIsProgressNotAStall() throws Exception {
    // Rank 1's dictionary pass reads each of its 4 shards in 1.2 s, longer in all than the 4 s stall
    // timeout; but every block it scans is progress (reported each second), and the job ends as
    // usual.
    JobSpec spec = fm(2, 4, 2);
    CsrBlock head = Synthetic.head(DATA, 4800);
    List<CsrBlock> shards = new ArrayList<>();
    for (int s = 0; s < 8; s++) {
      shards.add(Synthetic.tail(Synthetic.head(head, (s + 1) * 600), s * 600));
    }
    MemoryDataset train = new MemoryDataset(shards);
    List<Cluster> clusters = clusters("job-slow", 1, 1, 1);
    Path ckpt = dir.resolve("ckpt");
    try (HangingDataset slow = new HangingDataset(train)) {
      slow.slowReads(4, 1200);
      CompletableFuture<TrainResult> rank1 = started(new Trainer(Clock.systemUTC()),
          new TrainRequest(spec, slow, VALIDATION, ckpt), clusters.get(1), TrainListener.NONE, () -> false);
      List<Integer> epochs = new ArrayList<>();
      long started = System.nanoTime();
      TrainResult result = new Trainer(Clock.systemUTC(), Duration.ofSeconds(4)).run(
          new TrainRequest(spec, train, VALIDATION, ckpt), clusters.get(0), new TrainListener() {
            @Override
            public void onEpoch(int epoch, long step, java.util.Map<String, Double> metrics) {
              epochs.add(epoch);
            }
          }, () -> false);
      assertNull(rank1.get(30, TimeUnit.SECONDS));
      assertEquals(List.of(1, 2), epochs);
      assertTrue(System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(4800), "rank 1's reads took 4.8 s");
      assertTrue(result.model().evaluate(TEST).get("val_auc") > 0.7);
    }
  }

  @Test
  void barrierWaitIsTheShareOfTheMembersTimeSpentWaitingForTheSlowest() {
    assertEquals(0, Coordinator.barrierWait(new double[] {2, 2}));
    // Rank 0 trained 1 s and waited 1 s for rank 1: a quarter of the 4 member-seconds.
    assertEquals(0.25, Coordinator.barrierWait(new double[] {1, 2}), 1e-12);
    assertEquals(0.5, Coordinator.barrierWait(new double[] {1, 4, 1}), 1e-12);
    // A member without workers only serves: it is not waiting for anyone.
    assertEquals(0, Coordinator.barrierWait(new double[] {1.5, 0}));
    assertEquals(0, Coordinator.barrierWait(new double[] {0, 0}));
  }

  @Test
  void aLostMemberLosesTheAttemptAndTheNextOneResumesFromTheCheckpoint() throws Exception {
    JobSpec spec = fm(2, 0, 4);
    Path ckpt = dir.resolve("ckpt");
    float[] expectedShape = Trainer.train(new TrainRequest(spec, TRAIN, null, dir.resolve("alone")),
        TrainListener.NONE, () -> false).model().predict(TEST);

    // Rank 1 leaves once rank 0 has finished two epochs: its executor died, as far as rank 0 can tell.
    AtomicBoolean twoEpochsDone = new AtomicBoolean();
    CompletableFuture<TrainResult> rank1 = new CompletableFuture<>();
    AttemptLostException lost = assertThrows(AttemptLostException.class, () -> runBoth(spec, ckpt,
        clusters("job-lost", 1, 1, 1), new TrainListener() {
          @Override
          public void onEpoch(int epoch, long step, java.util.Map<String, Double> metrics) {
            twoEpochsDone.set(epoch >= 2);
          }
        }, twoEpochsDone::get, rank1));
    assertTrue(lost.getMessage().contains("rank 1"), lost.getMessage());
    assertTrue(Checkpoints.newestManifest(ckpt) != null);

    // Attempt 2 on the same ports: a frame of attempt 1 would be refused; this one resumes.
    List<String> log = new ArrayList<>();
    CompletableFuture<TrainResult> again = new CompletableFuture<>();
    TrainResult resumed = runBoth(spec, ckpt, clusters("job-lost", 2, 1, 1), new TrainListener() {
      @Override
      public void onLog(String line) {
        log.add(line);
      }
    }, () -> false, again);
    again.get(10, TimeUnit.SECONDS);
    assertTrue(log.stream().anyMatch(l -> l.startsWith("resumed from checkpoint at epoch 3")), log.toString());
    assertEquals(expectedShape.length, resumed.model().predict(TEST).length);
    assertTrue(resumed.model().evaluate(TEST).get("val_auc") > 0.7);
  }
}
