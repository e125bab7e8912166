package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.model.BatchCompute;
import trainyard.engine.model.KeySpace;
import trainyard.engine.model.LinearAlgorithm;
import trainyard.engine.model.Loss;
import trainyard.engine.ps.ParameterServer;
import trainyard.engine.data.MemoryDataset;

/**
 * The worker loop runs every minibatch of an epoch exactly once, in the stream's order, whether
 * it pulls one minibatch ahead or not, and a stop leaves it where a restart runs exactly the rest.
 */
class WorkerLoopTest {
  @ParameterizedTest(name = "pull ahead {0}, τ = {1}")
  @CsvSource({"false, 0", "false, 2", "true, 0", "true, 1", "true, 4", "true, -1"})
  void everyMinibatchOnceAndAStopResumesWhereItLeft(boolean pullAhead, int maxDelay) throws Exception {
    MemoryDataset data = WorkerStreamTest.numbered(30, 17, 41);
    TrainingData plan = WorkerStreamTest.plan(data, 1, null);
    List<List<Integer>> expected = WorkerStreamTest.batches(plan, 0, 1, 0);

    LinearAlgorithm linear = new LinearAlgorithm(Loss.of("logistic"), "adagrad", 0.1, 0, 0, new KeySpace(1024, 0));
    try (ParameterServer ps = new ParameterServer(linear.keyRanges(2), linear::newUpdater, 1024, "test",
        ParameterServer.Mode.THREADS)) {
      Recorder compute = new Recorder(linear.newCompute());
      try (WorkerStream stream = plan.stream(0, WorkerStreamTest.BATCH, b -> compute.index(b, WorkerStreamTest.BATCH))) {
        WorkerLoop loop = new WorkerLoop(ps.newWorker(), maxDelay, compute, stream, WorkerStreamTest.BATCH, pullAhead,
            trainyard.engine.optim.Schedule.CONSTANT);
        AtomicLong done = new AtomicLong();
        long stopAt = expected.size() / 2;
        assertFalse(loop.runEpoch(1, 0, () -> loop.position() >= stopAt, done), "stopped early");
        assertEquals(stopAt, loop.position());
        assertTrue(loop.runEpoch(1, loop.position(), () -> false, done));
        assertEquals(expected.size(), loop.position());
        assertEquals(expected.size(), done.get());
      }
      assertEquals(expected, compute.computed, "each minibatch computed and pushed once, in order");
    }
  }

  /** A compute that records the rows (labels: their ids) of every minibatch it computes; so does its twin. */
  private static final class Recorder implements BatchCompute {
    final BatchCompute inner;
    final List<List<Integer>> computed;
    private CsrBlock block;
    private int[] order;
    private int from;
    private int to;

    Recorder(BatchCompute inner) {
      this(inner, new ArrayList<>());
    }

    private Recorder(BatchCompute inner, List<List<Integer>> computed) {
      this.inner = inner;
      this.computed = computed;
    }

    @Override
    public int prepare(CsrBlock block, int[] order, int from, int to) {
      this.block = block;
      this.order = order;
      this.from = from;
      this.to = to;
      return inner.prepare(block, order, from, to);
    }

    @Override
    public double gradient() {
      List<Integer> rows = new ArrayList<>();
      for (int i = from; i < to; i++) {
        rows.add((int) block.labels[order[i]]);
      }
      computed.add(rows);
      return inner.gradient();
    }

    @Override
    public BatchCompute twin() {
      BatchCompute t = inner.twin();
      return t == null ? null : new Recorder(t, computed);
    }

    @Override
    public long[] keys() {
      return inner.keys();
    }

    @Override
    public boolean collect(CsrBlock b) {
      return inner.collect(b);
    }

    @Override
    public long[] dictionary(trainyard.engine.ps.KeyRanges ranges) {
      return inner.dictionary(ranges);
    }

    @Override
    public Object index(CsrBlock b, int batchSize) {
      return inner.index(b, batchSize);
    }

    @Override
    public void use(CsrBlock b, Object index) {
      inner.use(b, index);
    }

    @Override
    public int[] ranks() {
      return inner.ranks();
    }

    @Override
    public float[] pullBuffer() {
      return inner.pullBuffer();
    }

    @Override
    public float[] pushBuffer() {
      return inner.pushBuffer();
    }
  }
}
