package trainyard.engine.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.ps.Keys;
import trainyard.spec.JobSpec;

/**
 * The job's data in memory: one block per worker, its rows shuffled once by the seed, and the
 * validation block. Shards go to
 * workers round-robin when there are at least as many shards as workers; otherwise every shard
 * is cut into one contiguous slice per worker. A validation fraction holds out each row with
 * that probability, decided by a hash of its position and the seed, so reruns split alike.
 * Immutable once built.
 */
final class TrainingData {
  final CsrBlock[] workers;
  /** null when the job has no validation data. */
  final CsrBlock validation;
  final DatasetStats stats;
  final long trainRows;

  private TrainingData(CsrBlock[] workers, CsrBlock validation, DatasetStats stats) {
    this.workers = workers;
    this.validation = validation;
    this.stats = stats;
    long n = 0;
    for (CsrBlock b : workers) {
      n += b.rows;
    }
    this.trainRows = n;
  }

  static TrainingData load(TrainRequest request, int workerCount) throws IOException {
    JobSpec spec = request.spec();
    Dataset train = request.train();
    List<CsrBlock> shards = loadAll(train);
    double fraction = 0;
    if (request.validation() == null && spec.validation() != null && spec.validation().fraction() != null) {
      fraction = spec.validation().fraction();
    }
    long seed = spec.params().seed();
    int[][] trainRows = new int[shards.size()][];
    long[] heldOut = new long[0];
    int held = 0;
    long global = 0;
    for (int s = 0; s < shards.size(); s++) {
      int rows = shards.get(s).rows;
      int[] keep = new int[rows];
      int nk = 0;
      for (int r = 0; r < rows; r++, global++) {
        if (fraction > 0 && Keys.unit(global, seed) < fraction) {
          if (held == heldOut.length) {
            heldOut = java.util.Arrays.copyOf(heldOut, Math.max(16, held * 2));
          }
          heldOut[held++] = Rows.ref(s, r);
        } else {
          keep[nk++] = r;
        }
      }
      trainRows[s] = java.util.Arrays.copyOf(keep, nk);
    }
    CsrBlock validation = null;
    if (request.validation() != null) {
      List<CsrBlock> v = loadAll(request.validation());
      int total = 0;
      for (CsrBlock b : v) {
        total += b.rows;
      }
      long[] all = new long[total];
      int n = 0;
      for (int b = 0; b < v.size(); b++) {
        for (int r = 0; r < v.get(b).rows; r++) {
          all[n++] = Rows.ref(b, r);
        }
      }
      validation = Rows.gather(v, all);
    } else if (fraction > 0) {
      validation = Rows.gather(shards, java.util.Arrays.copyOf(heldOut, held));
    }
    return new TrainingData(assign(shards, trainRows, workerCount, seed), validation, train.stats());
  }

  /**
   * Each worker's rows, in an order shuffled once by the seed: the worker then takes contiguous
   * minibatches (sequential memory) and shuffles only their order per epoch.
   */
  private static CsrBlock[] assign(List<CsrBlock> shards, int[][] rows, int workerCount, long seed) {
    CsrBlock[] out = new CsrBlock[workerCount];
    for (int w = 0; w < workerCount; w++) {
      int[] from = new int[shards.size()];
      int[] to = new int[shards.size()];
      int total = 0;
      for (int s = 0; s < shards.size(); s++) {
        int len = rows[s].length;
        if (shards.size() >= workerCount) {
          to[s] = s % workerCount == w ? len : 0;
        } else {
          from[s] = (int) ((long) len * w / workerCount);
          to[s] = (int) ((long) len * (w + 1) / workerCount);
        }
        total += to[s] - from[s];
      }
      long[] refs = new long[total];
      int n = 0;
      for (int s = 0; s < shards.size(); s++) {
        for (int i = from[s]; i < to[s]; i++) {
          refs[n++] = Rows.ref(s, rows[s][i]);
        }
      }
      shuffle(refs, new java.util.SplittableRandom(seed * 31 + w));
      out[w] = Rows.gather(shards, refs);
    }
    return out;
  }

  private static void shuffle(long[] a, java.util.SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      long t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static List<CsrBlock> loadAll(Dataset d) throws IOException {
    List<CsrBlock> blocks = new ArrayList<>();
    for (int i = 0; i < d.shardCount(); i++) {
      blocks.add(d.shard(i));
    }
    return blocks;
  }

  static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
