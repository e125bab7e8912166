package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.model.Algorithm;
import trainyard.engine.model.BatchCompute;
import trainyard.engine.model.KeySpace;
import trainyard.engine.model.LinearAlgorithm;
import trainyard.engine.model.Loss;
import trainyard.engine.model.Model;
import trainyard.engine.model.ModelInfo;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.KeyValues;
import trainyard.engine.ps.Updater;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.testing.Specs;
import trainyard.engine.testing.Synthetic;

/** A worker that fails stops the others and the job reports the failure, without hanging. */
class WorkerFailureTest {

  /** The real linear algorithm, whose second compute throws at its 20th minibatch. */
  static final class Failing implements Algorithm {
    final LinearAlgorithm real = new LinearAlgorithm(Loss.LOGISTIC, "ftrl", 0.1, 0, 0, new KeySpace(1024, 0));
    final AtomicInteger computes = new AtomicInteger();
    final AtomicInteger batchesAfterFailure = new AtomicInteger();
    volatile boolean failed;

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public KeyRanges keyRanges(int servers) {
      return real.keyRanges(servers);
    }

    @Override
    public Updater newUpdater() {
      return real.newUpdater();
    }

    @Override
    public long expectedKeys() {
      return real.expectedKeys();
    }

    @Override
    public Model export(KeyValues values, ModelInfo info, java.nio.file.Path file) throws java.io.IOException {
      return real.export(values, info, file);
    }

    @Override
    public BatchCompute newCompute() {
      BatchCompute c = real.newCompute();
      boolean doomed = computes.incrementAndGet() == 2;
      AtomicInteger batches = new AtomicInteger();
      return new BatchCompute() {
        @Override
        public int prepare(CsrBlock block, int[] order, int from, int to) {
          if (failed) {
            batchesAfterFailure.incrementAndGet();
          }
          if (doomed && batches.incrementAndGet() == 20) {
            failed = true;
            throw new IllegalStateException("disk on fire");
          }
          return c.prepare(block, order, from, to);
        }

        @Override
        public long[] keys() {
          return c.keys();
        }

        @Override
        public boolean collect(CsrBlock block) {
          return c.collect(block);
        }

        @Override
        public long[] dictionary(trainyard.engine.ps.KeyRanges ranges) {
          return c.dictionary(ranges);
        }

        @Override
        public Object index(CsrBlock block, int batchSize) {
          return c.index(block, batchSize);
        }

        @Override
        public void use(CsrBlock block, Object index) {
          c.use(block, index);
        }

        @Override
        public int[] ranks() {
          return c.ranks();
        }

        @Override
        public float[] pullBuffer() {
          return c.pullBuffer();
        }

        @Override
        public double gradient() {
          return c.gradient();
        }

        @Override
        public float[] pushBuffer() {
          return c.pushBuffer();
        }
      };
    }
  }

  @Test
  void aFailingWorkerStopsTheJobWithItsError() {
    MemoryDataset data = MemoryDataset.of(Synthetic.sparseBinary(20_000, 300, 10, 0.3, 2));
    Failing algorithm = new Failing();
    var e = assertThrows(IllegalStateException.class, () -> new Trainer(Clock.systemUTC()).run(
        new TrainRequest(Specs.linear("ftrl", 0.1, 3, 1, 2, 2, 1), data, null, null), algorithm,
        TrainListener.NONE, () -> false));
    assertEquals("disk on fire", e.getMessage());
    // Each worker has 10,000 one-row minibatches per epoch; without the abort the healthy one would
    // finish its epoch. It stops at its next minibatch, give or take the scheduler.
    assertTrue(algorithm.batchesAfterFailure.get() < 5_000,
        "batches after the failure: " + algorithm.batchesAfterFailure.get());
  }

  @Test
  @Timeout(60) // a regression hangs: fail instead
  void aJobWhoseReadsHangIsLostAfterTheStallTimeoutEvenWhenCancelled() throws Exception {
    // Two shards, no cache: every epoch reads them again, and from epoch 2 on the reads hang. A
    // cancel cannot stop a worker that waits for its data; the stall watch ends the attempt.
    try (HangingDataset data = new HangingDataset(MemoryDataset.of(Synthetic.sparseBinary(4_000, 300, 10, 0.3, 2),
        Synthetic.sparseBinary(4_000, 300, 10, 0.3, 3)))) {
      AtomicBoolean cancelled = new AtomicBoolean();
      long started = System.nanoTime();
      AttemptLostException e = assertThrows(AttemptLostException.class, () -> new Trainer(Clock.systemUTC(),
          Duration.ofSeconds(3)).run(new TrainRequest(Specs.linear("ftrl", 0.1, 3, 100, 2, 2, 1), data,
          null, null).withCacheBytes(0), new TrainListener() {
            @Override
            public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
              data.hang();
              cancelled.set(true);
            }
          }, cancelled::get));
      assertTrue(e.getMessage().startsWith("member 0 made no progress for "),
          e.getMessage());
      assertTrue(System.nanoTime() - started < 30_000_000_000L, "not hung");
    }
  }

  @Test
  @Timeout(60) // a regression hangs: fail instead
  void aCoordinatorStuckInAStepOfItsOwnLosesTheAttemptAndReportsNothingMore() throws Exception {
    // After epoch 1 the coordinator's thread blocks in its report, as in a manifest commit on a
    // hung file system. Members progress or not, nothing else can notice: the caller gives the
    // thread up after the stall timeout, and what it reports once it wakes is dropped.
    CountDownLatch wake = new CountDownLatch(1);
    CountDownLatch woke = new CountDownLatch(1);
    List<String> afterWaking = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stuck = new AtomicBoolean();
    TrainListener listener = new TrainListener() {
      @Override
      public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
        if (stuck.getAndSet(true)) {
          afterWaking.add("epoch " + epoch);
          return;
        }
        try {
          wake.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // given up: it goes on as a woken thread would
        }
        woke.countDown();
      }

      @Override
      public void onLog(String line) {
        if (stuck.get()) {
          afterWaking.add(line);
        }
      }
    };
    long started = System.nanoTime();
    AttemptLostException e = assertThrows(AttemptLostException.class, () -> new Trainer(Clock.systemUTC(),
        Duration.ofSeconds(3)).run(new TrainRequest(Specs.linear("ftrl", 0.1, 3, 100, 2, 2, 1),
        MemoryDataset.of(Synthetic.sparseBinary(4_000, 300, 10, 0.3, 2)), null, null), listener, () -> false));
    assertTrue(e.getMessage().startsWith("the coordinator (rank 0) made no progress for "),
        e.getMessage());
    assertTrue(System.nanoTime() - started < 30_000_000_000L, "not hung");
    wake.countDown();
    assertTrue(woke.await(10, TimeUnit.SECONDS));
    Thread.sleep(500); // time to report, were it not fenced
    assertEquals(List.of(), afterWaking, "nothing reported after the thread was given up");
  }
}
