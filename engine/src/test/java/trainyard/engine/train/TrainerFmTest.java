package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.model.FmModel;
import trainyard.engine.model.Model;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.testing.Specs;
import trainyard.engine.testing.Synthetic;

class TrainerFmTest {
  static final CsrBlock DATA = Synthetic.interactions(12000, 5, 20, 5);
  static final MemoryDataset TRAIN = MemoryDataset.of(Synthetic.head(DATA, 10000));
  static final MemoryDataset TEST = MemoryDataset.of(Synthetic.tail(DATA, 10000));

  @TempDir
  Path dir;

  static TrainResult train(String algorithm, int threshold, double l1) throws Exception {
    var spec = Specs.spec(algorithm, "logistic", "adagrad", 0.1, l1, 0.01, 8, 6, 100, new int[0], threshold, 2, 2, 1,
        null, 0, 3);
    return Trainer.train(new TrainRequest(spec, TRAIN, TEST, null), TrainListener.NONE, () -> false);
  }

  @Test
  void factorizationMachineLearnsInteractionsALinearModelCannot() throws Exception {
    Map<String, Double> lr = train("linear", 0, 0).finalMetrics();
    TrainResult fm = train("fm", 0, 0);
    double fmAuc = fm.finalMetrics().get(Evaluation.VAL_AUC);
    assertTrue(fmAuc > 0.85, "fm: " + fm.finalMetrics());
    assertTrue(fmAuc > lr.get(Evaluation.VAL_AUC) + 0.15, "fm " + fm.finalMetrics() + " vs lr " + lr);
    assertTrue(fm.finalMetrics().get(Evaluation.VAL_LOGLOSS) < lr.get(Evaluation.VAL_LOGLOSS));
  }

  @Test
  void embeddingsOnlyForFrequentFeaturesWithNonZeroWeights() throws Exception {
    FmModel all = inHeap(train("fm", 0, 0).model());
    // 100 features, each seen ~600 times per epoch: a threshold above that leaves none embedded.
    FmModel none = inHeap(train("fm", 1_000_000, 0).model());
    assertEquals(100, all.embeddings());
    assertEquals(0, none.embeddings());
    // A strong L1 zeroes linear weights; their embeddings must stay zero, so fewer keys have one.
    FmModel sparse = inHeap(train("fm", 0, 0.02).model());
    assertTrue(sparse.embeddings() < all.embeddings(), sparse.embeddings() + " vs " + all.embeddings());
  }

  @Test
  void savesAndLoadsBitExactly() throws Exception {
    Model m = train("fm", 0, 0).model();
    Path file = dir.resolve("fm.bin");
    m.save(file);
    Model back = Model.load(file);
    assertEquals(m.info(), back.info());
    float[] a = m.predict(TEST.shard(0));
    float[] b = back.predict(TEST.shard(0));
    for (int i = 0; i < a.length; i++) {
      assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]));
    }
    Path again = dir.resolve("again.bin");
    back.save(again);
    assertEquals(-1L, java.nio.file.Files.mismatch(file, again));
  }

  /** A job's FM, which stays in the file it was exported to, read into the heap to look inside. */
  private FmModel inHeap(Model stored) throws java.io.IOException {
    Path file = java.nio.file.Files.createTempFile(dir, "fm", ".bin");
    stored.save(file);
    return (FmModel) Model.load(file);
  }
}
