package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.testing.Synthetic;
import trainyard.spec.JobSpec;

/** stopping.patience ends a job whose validation metric stops improving, with the best epoch's model. */
class EarlyStoppingTest {
  // Few noisy rows over many features: plain SGD overfits them within a few epochs.
  static final CsrBlock DATA = Synthetic.sparseBinary(2400, 2000, 10, 1.0, 5);
  static final MemoryDataset TRAIN = MemoryDataset.of(Synthetic.head(DATA, 400));
  static final MemoryDataset VALIDATION = MemoryDataset.of(Synthetic.tail(DATA, 400));

  @TempDir
  Path dir;

  /** One worker and τ = 0: deterministic, so a shorter run is exactly an epoch of a longer one. */
  static JobSpec spec(int epochs, int patience, String metric) {
    return new JobSpec("early", "linear", "ds_train", JobSpec.Validation.ofDataset("ds_val"),
        new JobSpec.Params("logistic", "sgd", 0.5, 0, 0, 8, epochs, 10, new int[0], 0, 0, 3),
        new JobSpec.Resources(1, 1, 0), new JobSpec.Consistency(0),
        new JobSpec.Stopping(3600, 300, patience, metric), 0);
  }

  static final class Recorder implements TrainListener {
    final List<Map<String, Double>> epochs = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    @Override
    public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
      epochs.add(metrics);
    }

    @Override
    public void onLog(String line) {
      log.add(line);
    }
  }

  static TrainResult train(JobSpec spec, Path checkpoints, TrainListener listener) throws Exception {
    return Trainer.train(new TrainRequest(spec, TRAIN, VALIDATION, checkpoints), listener, () -> false);
  }

  static float[] predictions(TrainResult r) {
    return r.model().predict(VALIDATION.shard(0));
  }

  @Test
  void stopsAfterPatienceEpochsWithoutImprovementAndKeepsTheBestEpochsModel() throws Exception {
    Recorder rec = new Recorder();
    TrainResult result = train(spec(30, 2, "val_logloss"), null, rec);

    List<Double> losses = rec.epochs.stream().map(m -> m.get(Evaluation.VAL_LOGLOSS)).toList();
    int best = 1 + losses.indexOf(losses.stream().min(Double::compare).orElseThrow());
    assertTrue(best >= 2, "the metric improved at first: " + losses);
    assertEquals(best + 2, rec.epochs.size(), "stopped two epochs after the best: " + losses + rec.log);
    assertTrue(rec.epochs.size() < 30, losses.toString());
    assertFalse(result.cancelled());
    assertEquals(rec.epochs.get(best - 1), result.finalMetrics(), "the best epoch's metrics are the job's");
    assertTrue(rec.log.contains("stopped early after epoch " + (best + 2)
        + ": val_logloss did not improve for 2 epochs (stopping.patience)"), rec.log.toString());
    assertTrue(rec.log.stream().anyMatch(l -> l.startsWith("keeping epoch " + best + "'s model, the best by val_logloss=")),
        rec.log.toString());

    TrainResult bestEpochAlone = train(spec(best, 0, "val_logloss"), null, TrainListener.NONE);
    TrainResult lastEpochAlone = train(spec(best + 2, 0, "val_logloss"), null, TrainListener.NONE);
    assertArrayEquals(predictions(bestEpochAlone), predictions(result));
    assertFalse(java.util.Arrays.equals(predictions(lastEpochAlone), predictions(result)), "not the last epoch's model");
  }

  @Test
  void aMetricWhereHigherIsBetterCountsUpward() throws Exception {
    Recorder rec = new Recorder();
    TrainResult result = train(spec(30, 1, "val_accuracy"), null, rec);
    List<Double> acc = rec.epochs.stream().map(m -> m.get(Evaluation.VAL_ACCURACY)).toList();
    double max = acc.stream().max(Double::compare).orElseThrow();
    int best = 1 + acc.indexOf(max);
    assertEquals(best + 1, rec.epochs.size(), acc.toString());
    assertEquals(max, result.finalMetrics().get(Evaluation.VAL_ACCURACY));
  }

  @Test
  void aResumedJobStillKnowsTheBestEpochAndItsModel() throws Exception {
    JobSpec spec = spec(30, 2, "val_logloss");
    Recorder whole = new Recorder();
    TrainResult uninterrupted = train(spec, null, whole);
    int stoppedAfter = whole.epochs.size();

    // The executor "dies" halfway through the last epoch, after the best epoch was checkpointed:
    // the resumed run knows the best only from the checkpoint, and its model only from the file.
    Path ckpt = dir.resolve("ckpt");
    int perEpoch = 40; // 400 rows in minibatches of 10
    AtomicInteger polls = new AtomicInteger();
    TrainResult died = Trainer.train(new TrainRequest(spec, TRAIN, VALIDATION, ckpt), TrainListener.NONE,
        CheckpointResumeTest.afterMinibatches(polls, (stoppedAfter - 1) * perEpoch + perEpoch / 2));
    assertTrue(died.cancelled());
    int best = stoppedAfter - 2;
    assertTrue(Files.exists(Checkpoints.bestModelWrittenBy(ckpt, best, 0)));

    Recorder second = new Recorder();
    TrainResult resumed = train(spec, ckpt, second);
    assertTrue(second.log.stream().anyMatch(l -> l.startsWith("resumed from checkpoint at epoch " + stoppedAfter)),
        second.log.toString());
    assertEquals(1, second.epochs.size(), "only the last epoch runs again: " + second.log);
    assertEquals(uninterrupted.finalMetrics().get(Evaluation.VAL_LOGLOSS), resumed.finalMetrics().get(Evaluation.VAL_LOGLOSS));
    assertArrayEquals(predictions(uninterrupted), predictions(resumed));
    assertTrue(second.log.stream().anyMatch(l -> l.startsWith("keeping epoch " + best + "'s model")), second.log.toString());
  }
}
