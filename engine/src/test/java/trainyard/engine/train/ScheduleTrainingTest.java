package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.testing.Synthetic;
import trainyard.spec.JobSpec;

/** Jobs with a learning-rate schedule train; the constant schedule is today's training bit for bit. */
class ScheduleTrainingTest {
  static final CsrBlock DATA = Synthetic.sparseBinary(3000, 400, 10, 0.3, 11);
  static final MemoryDataset TRAIN = MemoryDataset.of(Synthetic.head(DATA, 2000));
  static final MemoryDataset TEST = MemoryDataset.of(Synthetic.tail(DATA, 2000));

  /** One worker and τ = 0: deterministic. */
  static JobSpec spec(String algorithm, String optimizer, double lr, String schedule, int warmup) {
    return new JobSpec("sched", algorithm, "ds", null,
        new JobSpec.Params("logistic", optimizer, lr, 0, 0.001, 4, 3, 50,
            algorithm.equals("mlp") ? new int[] {8} : new int[0], 0, 0, 5, schedule, warmup),
        new JobSpec.Resources(1, 1, 0), new JobSpec.Consistency(0), new JobSpec.Stopping(3600), 0);
  }

  @TempDir
  Path dir;

  static float[] predictions(JobSpec spec) throws Exception {
    return Trainer.train(new TrainRequest(spec, TRAIN, null, null), TrainListener.NONE, () -> false)
        .model().predict(TEST.shard(0));
  }

  @Test
  void constantIsTodaysTrainingBitForBit() throws Exception {
    // Arrays.hashCode of the predictions (every bit counts), pinned by the engine before schedules.
    String[][] jobs = {{"linear", "sgd", "0.5"}, {"linear", "adagrad", "0.1"}, {"linear", "adam", "0.01"},
        {"fm", "adagrad", "0.05"}, {"mlp", "adam", "0.01"}};
    StringBuilder got = new StringBuilder();
    for (String[] j : jobs) {
      got.append(Arrays.hashCode(predictions(spec(j[0], j[1], Double.parseDouble(j[2]), "constant", 0)))).append(' ');
    }
    assertEquals("-262362978 -83493730 1002807681 -2026652612 -1439623178", got.toString().trim());
  }

  @Test
  void jobsWithEverySchedulePlainAndWarmedUpTrain() throws Exception {
    for (String algorithm : new String[] {"linear", "fm"}) {
      JobSpec constant = spec(algorithm, "adagrad", 0.1, "constant", 0);
      double base = auc(constant);
      assertTrue(base > 0.8, algorithm + " constant: " + base);
      for (String schedule : new String[] {"constant", "inverse-sqrt", "cosine"}) {
        for (int warmup : new int[] {0, 30}) {
          if (schedule.equals("constant") && warmup == 0) {
            continue;
          }
          JobSpec spec = spec(algorithm, "adagrad", 0.1, schedule, warmup);
          double auc = auc(spec);
          String what = algorithm + " " + schedule + " warm-up " + warmup;
          // It learns; whether it beats the constant rate depends on the rate (adagrad decays by itself).
          assertTrue(auc > 0.8, what + ": " + auc + " (constant: " + base + ")");
          assertFalse(Arrays.equals(predictions(constant), predictions(spec)), what + " changed nothing");
        }
      }
    }
  }

  @Test
  void aResumedJobPushesTheSameFactors() throws Exception {
    JobSpec spec = spec("linear", "adam", 0.01, "cosine", 25);
    float[] expected = predictions(spec);
    Path ckpt = dir.resolve("ckpt");
    // 40 minibatches an epoch: stopped in epoch 2, mid-way through the cosine.
    Trainer.train(new TrainRequest(spec, TRAIN, null, ckpt), TrainListener.NONE,
        CheckpointResumeTest.afterMinibatches(new AtomicInteger(), 55));
    TrainResult resumed = Trainer.train(new TrainRequest(spec, TRAIN, null, ckpt), TrainListener.NONE, () -> false);
    assertArrayEquals(expected, resumed.model().predict(TEST.shard(0)));
  }

  static double auc(JobSpec spec) throws Exception {
    Map<String, Double> m = Trainer.train(new TrainRequest(spec, TRAIN, TEST, null), TrainListener.NONE, () -> false)
        .finalMetrics();
    return m.get(Evaluation.VAL_AUC);
  }
}
