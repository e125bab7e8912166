package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;

class MlpPredictSizeTest {
  /** 300,000 rows × 10,000 classes overflows an int: refused by its long product, not a wrong-sized array. */
  @Test
  void rowsTimesClassesIsCountedInALong() {
    int classes = 10_000;
    int[] sizes = {1, 1, classes};
    float[] w = new float[2 + 2 * classes];
    MlpModel model = new MlpModel(new ModelInfo("mlp", w.length, 0, "{}", "x", 1, "test"), sizes, true, w);
    int rows = 300_000;
    CsrBlock block = new CsrBlock(rows, new int[rows + 1], new long[0], new float[0], new float[rows], null);
    var e = assertThrows(IllegalArgumentException.class, () -> model.predict(block));
    assertTrue(e.getMessage().contains("300000 rows × 10000 classes is 3000000000 predictions"), e.getMessage());
  }
}
