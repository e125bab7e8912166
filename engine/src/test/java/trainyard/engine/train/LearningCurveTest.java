package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Format;
import trainyard.engine.data.Parsers;
import trainyard.engine.metrics.Evaluation;
import trainyard.spec.JobSpec;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.testing.Specs;
import trainyard.engine.testing.Synthetic;

/**
 * Learning curves pinned on a checked-in fixture (300 rows of the CTR generator, libsvm): one
 * worker and τ = 0 make training deterministic, so any change to the math moves a number here.
 * After an intended change, rerun, check the new curve still falls, and update the pins.
 */
class LearningCurveTest {
  static final double TOL = 1e-4;

  static List<Double> curve(JobSpec spec) throws Exception {
    CsrBlock all;
    try (Reader r = new InputStreamReader(LearningCurveTest.class.getResourceAsStream("/fixtures/ctr-300.libsvm"),
        StandardCharsets.UTF_8)) {
      all = Parsers.parse(r, Format.LIBSVM, 0);
    }
    List<Double> losses = new ArrayList<>();
    TrainListener rec = new TrainListener() {
      @Override
      public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
        losses.add(metrics.get(Evaluation.TRAIN_LOSS));
      }
    };
    Map<String, Double> fin = Trainer.train(new TrainRequest(spec, MemoryDataset.of(Synthetic.head(all, 250)),
        MemoryDataset.of(Synthetic.tail(all, 250)), null), rec, () -> false).finalMetrics();
    losses.add(fin.get(Evaluation.VAL_LOGLOSS));
    return losses;
  }

  static void assertCurve(double[] expected, List<Double> actual) {
    assertEquals(expected.length, actual.size(), actual.toString());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual.get(i), TOL, "epoch " + (i + 1) + " of " + actual);
    }
  }

  static JobSpec spec(String algorithm, String optimizer, double lr) {
    return Specs.spec(algorithm, "logistic", optimizer, lr, 0.01, 0.01, 4, 5, 10, new int[0], 2, 1, 2, 0, null, 0, 13);
  }

  @Test
  void logisticRegressionFtrl() throws Exception {
    // train_loss of epochs 1..5, then the validation logloss.
    assertCurve(new double[] {0.641818, 0.568361, 0.522038, 0.484801, 0.456405, 0.582462},
        curve(spec("linear", "ftrl", 0.1)));
  }

  @Test
  void factorizationMachineAdaGrad() throws Exception {
    assertCurve(new double[] {0.681586, 0.361909, 0.161016, 0.124263, 0.105821, 0.589751},
        curve(spec("fm", "adagrad", 0.05)));
  }
}
