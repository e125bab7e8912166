package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.testing.Specs;
import trainyard.engine.testing.Synthetic;

class TrainerLinearTest {
  static final CsrBlock DATA = Synthetic.sparseBinary(6000, 500, 12, 0.3, 7);
  static final MemoryDataset TRAIN = new MemoryDataset(List.of(Synthetic.head(DATA, 2500),
      Synthetic.head(Synthetic.tail(DATA, 2500), 2500)));
  static final MemoryDataset TEST = MemoryDataset.of(Synthetic.tail(DATA, 5000));

  static final class Recorder implements TrainListener {
    final List<Map<String, Double>> epochs = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final List<Double> progress = new ArrayList<>();

    @Override
    public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
      assertEquals(epochs.size() + 1, epoch);
      epochs.add(metrics);
    }

    @Override
    public void onLog(String line) {
      log.add(line);
    }

    @Override
    public void onProgress(double fraction) {
      progress.add(fraction);
    }
  }

  @Test
  void progressIsReportedEveryEpochAndEndsAtOne() throws Exception {
    Recorder rec = new Recorder();
    Trainer.train(new TrainRequest(Specs.linear("ftrl", 0.2, 4, 50, 2, 2, 2), TRAIN, TEST, null), rec, () -> false);
    // After each epoch, whatever the one-second poll reported in between.
    for (double done : new double[] {0.25, 0.5, 0.75, 1.0}) {
      assertTrue(rec.progress.contains(done), "progress " + rec.progress);
    }
    for (int i = 1; i < rec.progress.size(); i++) {
      assertTrue(rec.progress.get(i) >= rec.progress.get(i - 1), "progress " + rec.progress);
    }
    assertEquals(1.0, rec.progress.get(rec.progress.size() - 1), 1e-9);
  }

  @Test
  void logisticRegressionLearnsOnTwoServersTwoWorkers() throws Exception {
    for (String optimizer : new String[] {"ftrl", "adagrad", "sgd", "adam"}) {
      double lr = optimizer.equals("sgd") ? 1.0 : optimizer.equals("adam") ? 0.02 : 0.2;
      Recorder rec = new Recorder();
      TrainResult result = Trainer.train(new TrainRequest(Specs.linear(optimizer, lr, 4, 50, 2, 2, 2), TRAIN, TEST, null),
          rec, () -> false);
      assertFalse(result.cancelled());
      assertEquals(4, rec.epochs.size());
      Map<String, Double> last = rec.epochs.get(3);
      assertTrue(last.get(Evaluation.VAL_AUC) > 0.9, optimizer + ": " + last);
      assertTrue(last.get(Evaluation.VAL_LOGLOSS) < 0.6, optimizer + ": " + last);
      assertTrue(rec.epochs.get(3).get(Evaluation.TRAIN_LOSS) < rec.epochs.get(0).get(Evaluation.TRAIN_LOSS));
      assertTrue(last.get(Evaluation.EXAMPLES_PER_SEC) > 0);
      assertEquals(last, result.finalMetrics());
      // The model the trainer returns predicts what the last epoch evaluated.
      assertEquals(last.get(Evaluation.VAL_AUC), result.model().evaluate(TEST.shard(0)).get(Evaluation.VAL_AUC), 1e-12);
      assertEquals("linear", result.model().info().algorithm());
      assertEquals(42, result.model().info().seed());
    }
  }

  @Test
  void serverThreadsAndDirectServersTrainAlike() throws Exception {
    for (String mode : new String[] {"threads", "direct"}) {
      System.setProperty("trainyard.engine.ps.mode", mode);
      try {
        Recorder rec = new Recorder();
        TrainResult r = Trainer.train(new TrainRequest(Specs.linear("ftrl", 0.2, 2, 50, 2, 2, 4), TRAIN, TEST, null),
            rec, () -> false);
        assertTrue(rec.log.get(1).contains(mode.equals("threads") ? "own threads" : "workers' threads"), rec.log.get(1));
        assertTrue(r.finalMetrics().get(Evaluation.VAL_AUC) > 0.9, mode + ": " + r.finalMetrics());
      } finally {
        System.clearProperty("trainyard.engine.ps.mode");
      }
    }
  }

  @Test
  void squaredAndHingeLossesLearnToo() throws Exception {
    for (String loss : new String[] {"squared", "hinge"}) {
      TrainResult r = Trainer.train(new TrainRequest(Specs.spec("linear", loss, "adagrad", 0.05, 0, 0, 8, 4, 50, new int[0],
          0, 1, 1, 0, null, 0, 1), TRAIN, TEST, null), TrainListener.NONE, () -> false);
      assertTrue(r.finalMetrics().get(Evaluation.VAL_AUC) > 0.9, loss + ": " + r.finalMetrics());
      assertEquals(loss.equals("squared"), r.finalMetrics().containsKey(Evaluation.VAL_RMSE));
    }
  }

  @Test
  void validationFractionHoldsOutRowsDeterministically() throws Exception {
    var spec = Specs.spec("linear", "logistic", "ftrl", 0.2, 0, 0, 8, 2, 100, new int[0], 0, 2, 1, 0, 0.2, 0, 9);
    Recorder a = new Recorder();
    Trainer.train(new TrainRequest(spec, TRAIN, null, null), a, () -> false);
    assertTrue(a.log.get(0).contains("validation rows"), a.log.get(0));
    long held = Long.parseLong(a.log.get(0).replaceAll(".* training rows, (\\d+) validation rows.*", "$1"));
    assertTrue(held > 850 && held < 1150, a.log.get(0));
    assertTrue(a.epochs.get(1).get(Evaluation.VAL_AUC) > 0.85, a.epochs.toString());
  }

  @Test
  void cancelStopsWithinAMinibatchAndReturnsTheModelSoFar() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    Recorder rec = new Recorder();
    TrainResult r = Trainer.train(new TrainRequest(Specs.linear("ftrl", 0.2, 50, 10, 2, 2, 0), TRAIN, TEST, null), rec,
        () -> polls.incrementAndGet() > 30);
    assertTrue(r.cancelled());
    assertTrue(rec.epochs.isEmpty(), "cancelled in the first epoch");
    assertTrue(polls.get() <= 34, "one poll per minibatch per worker, got " + polls.get());
    assertTrue(r.model().info().keys() > 0);
    assertTrue(r.finalMetrics().containsKey(Evaluation.VAL_AUC));
  }

  @Test
  void maxSecondsStopsTrainingByTheInjectedClock() throws Exception {
    // A clock that moves 1 s on every reading: the 3 s budget lasts a few minibatches.
    Clock ticking = new Clock() {
      final AtomicInteger t = new AtomicInteger();

      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochSecond(t.getAndIncrement());
      }
    };
    var spec = Specs.spec("linear", "logistic", "ftrl", 0.2, 0, 0, 8, 50, 10, new int[0], 0, 1, 1, 0, null, 3, 1);
    Recorder rec = new Recorder();
    TrainResult r = new Trainer(ticking).run(new TrainRequest(spec, TRAIN, TEST, null), rec, () -> false);
    assertFalse(r.cancelled());
    assertTrue(rec.epochs.isEmpty());
    assertTrue(rec.log.get(rec.log.size() - 1).contains("maxSeconds"), rec.log.toString());
  }
}
