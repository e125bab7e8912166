package trainyard.engine.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.ps.Keys;
import trainyard.engine.spec.JobSpec;

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
    int[][] heldOut = new int[shards.size()][];
    long global = 0;
    for (int s = 0; s < shards.size(); s++) {
      int rows = shards.get(s).rows;
      int[] keep = new int[rows];
      int[] hold = new int[rows];
      int nk = 0;
      int nh = 0;
      for (int r = 0; r < rows; r++, global++) {
        if (fraction > 0 && Keys.unit(global, seed) < fraction) {
          hold[nh++] = r;
        } else {
          keep[nk++] = r;
        }
      }
      trainRows[s] = java.util.Arrays.copyOf(keep, nk);
      heldOut[s] = java.util.Arrays.copyOf(hold, nh);
    }
    CsrBlock validation = null;
    if (request.validation() != null) {
      List<CsrBlock> v = loadAll(request.validation());
      int[][] all = new int[v.size()][];
      for (int i = 0; i < v.size(); i++) {
        all[i] = identity(v.get(i).rows);
      }
      validation = Rows.gather(v, all);
    } else if (fraction > 0) {
      validation = Rows.gather(shards, heldOut);
    }
    return new TrainingData(assign(shards, trainRows, workerCount, seed), validation, train.stats());
  }

  /**
   * Gathers each worker's rows in an order shuffled once by the seed: the worker then takes
   * contiguous minibatches (sequential memory) and shuffles only their order per epoch.
   */
  private static CsrBlock[] assign(List<CsrBlock> shards, int[][] rows, int workerCount, long seed) {
    CsrBlock[] out = new CsrBlock[workerCount];
    for (int w = 0; w < workerCount; w++) {
      int[][] mine = new int[shards.size()][];
      for (int s = 0; s < shards.size(); s++) {
        int[] r = rows[s];
        if (shards.size() >= workerCount) {
          mine[s] = s % workerCount == w ? r : new int[0];
        } else {
          int from = (int) ((long) r.length * w / workerCount);
          int to = (int) ((long) r.length * (w + 1) / workerCount);
          mine[s] = java.util.Arrays.copyOfRange(r, from, to);
        }
      }
      out[w] = shuffled(Rows.gather(shards, mine), new java.util.SplittableRandom(seed * 31 + w));
    }
    return out;
  }

  private static CsrBlock shuffled(CsrBlock block, java.util.SplittableRandom rnd) {
    int[] perm = identity(block.rows);
    for (int i = perm.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return Rows.gather(List.of(block), new int[][] {perm});
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
