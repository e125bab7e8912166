package trainyard.engine.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestOptions;
import trainyard.engine.data.ShardedDataset;

class CtrGeneratorTest {
  @TempDir
  Path tmp;

  private final CtrGenerator gen = new CtrGenerator(42);

  @Test
  void rowsHaveOneEntryPerFieldAndAreDeterministic() {
    CsrBlock a = gen.block(0, 500);
    assertEquals(500 * 39, a.nonZeros());
    assertNull(a.values);
    for (int e = 0; e < a.nonZeros(); e++) {
      assertEquals(e % 39, a.fields[e]);
      assertTrue(a.keys[e] >= 1 && a.keys[e] <= 1 << 22);
    }
    CsrBlock again = new CtrGenerator(42).block(0, 500);
    assertArrayEquals(a.keys, again.keys);
    assertArrayEquals(a.labels, again.labels);
    CsrBlock tail = gen.block(300, 200);
    assertArrayEquals(Arrays.copyOfRange(a.keys, 300 * 39, 500 * 39), tail.keys);
    assertArrayEquals(Arrays.copyOfRange(a.labels, 300, 500), tail.labels);
    assertTrue(!Arrays.equals(a.keys, new CtrGenerator(43).block(0, 500).keys));
  }

  @Test
  void aboutAQuarterOfRowsArePositive() {
    CsrBlock b = gen.block(0, 20_000);
    double positives = 0;
    for (float l : b.labels) {
      assertTrue(l == 0 || l == 1);
      positives += l;
    }
    double rate = positives / b.rows;
    assertTrue(rate > 0.18 && rate < 0.32, "positive rate " + rate);
  }

  @Test
  void interactionsCarrySignalALinearModelCannotSee() {
    int n = 20_000;
    CsrBlock b = gen.block(0, n);
    double[] full = new double[n];
    double[] linear = new double[n];
    for (int r = 0; r < n; r++) {
      full[r] = gen.probability(r);
      linear[r] = gen.linearProbability(r);
    }
    double aucFull = auc(full, b.labels);
    double aucLinear = auc(linear, b.labels);
    assertTrue(aucFull > 0.77, "AUC of the true model " + aucFull);
    assertTrue(aucFull - aucLinear > 0.05, "full " + aucFull + " vs linear part " + aucLinear);
  }

  @Test
  void categoricalValuesFollowAPowerLaw() {
    CsrBlock b = gen.block(0, 20_000);
    int field = -1;
    for (int f = CtrGenerator.NUMERIC_FIELDS; f < CtrGenerator.FIELDS; f++) {
      if (gen.vocabulary(f) > 100_000) {
        field = f;
        break;
      }
    }
    assertTrue(field > 0, "some field has a vocabulary above 100000");
    long head = gen.id(field, 0);
    int headCount = 0;
    java.util.Set<Long> distinct = new java.util.HashSet<>();
    for (int r = 0; r < b.rows; r++) {
      long k = b.keys[r * 39 + field];
      distinct.add(k);
      if (k == head) {
        headCount++;
      }
    }
    // the most frequent value alone is a visible share, and the long tail brings thousands of values
    assertTrue(headCount > 1000, "head value seen " + headCount);
    assertTrue(distinct.size() > 2000, "distinct values " + distinct.size());
  }

  @Test
  void libffmFileIngestsToTheSameBlock() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    gen.writeLibffm(out, 100, 300);
    Path dir = tmp.resolve("ffm");
    Ingest.ingest(new ByteArrayInputStream(out.toByteArray()), Format.LIBFFM, dir, IngestOptions.defaults());
    CsrBlock read = ShardedDataset.open(dir).shard(0);
    CsrBlock made = gen.block(100, 300);
    assertArrayEquals(made.keys, read.keys);
    assertArrayEquals(made.fields, read.fields);
    assertArrayEquals(made.labels, read.labels);
    assertNull(read.values);
  }

  @Test
  void libsvmFileHasAscendingUniqueIds() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    gen.writeLibsvm(out, 0, 300);
    Path dir = tmp.resolve("svm");
    Ingest.ingest(new ByteArrayInputStream(out.toByteArray()), Format.LIBSVM, dir, IngestOptions.defaults());
    CsrBlock read = ShardedDataset.open(dir).shard(0);
    CsrBlock made = gen.block(0, 300);
    assertArrayEquals(made.labels, read.labels);
    for (int r = 0; r < 300; r++) {
      long[] expected = Arrays.stream(Arrays.copyOfRange(made.keys, made.rowStart[r], made.rowStart[r + 1]))
          .sorted().distinct().toArray();
      assertArrayEquals(expected, Arrays.copyOfRange(read.keys, read.rowStart[r], read.rowStart[r + 1]));
    }
  }

  /** Exact AUC by sorting (test helper; ties are rare with continuous scores). */
  private static double auc(double[] score, float[] labels) {
    Integer[] order = new Integer[score.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(score[x], score[y]));
    double rankSum = 0;
    long pos = 0;
    for (int i = 0; i < order.length; i++) {
      if (labels[order[i]] > 0) {
        rankSum += i + 1;
        pos++;
      }
    }
    long neg = score.length - pos;
    return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}
