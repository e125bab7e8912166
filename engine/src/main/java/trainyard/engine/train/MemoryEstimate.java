package trainyard.engine.train;

import trainyard.engine.data.DatasetStats;
import trainyard.engine.optim.FmUpdater;
import trainyard.engine.optim.Optimizers;
import trainyard.engine.optim.WeightInit;
import trainyard.spec.JobSpec;

/**
 * How much memory one member (process) of a job needs: what the scheduler reserves and the api
 * checks before it accepts a job. Pure functions of the spec and the dataset's statistics; an
 * upper bound by design (every key is assumed to get an FM embedding, every shard to carry
 * values). Stateless.
 *
 * <p>With m members, W workers and S servers in all, a member runs ⌈W/m⌉ workers and ⌈S/m⌉ of S
 * servers, and holds 1/m of the model (key ranges split the keys evenly over servers):
 *
 * <pre>
 *   heap   = 1.25 · (model / m + ⌈W/m⌉ · (worker buffers + streamed data + key dictionary) + validation
 *                   + export + 32 MiB)
 *   member = heap + 128 MiB                                             (the JVM outside the heap)
 *
 *   model (sparse)   = K · (56 + 4·stateWidth) [+ K · 8·dim for FM embeddings]
 *                      K = features + 1 keys; 56 = hash buckets (12 B, at most 4 per key) + the key (8 B)
 *   model (MLP)      = P · 4 · (stateWidth per float) + P/128 · 56,   P = parameters, input width = largest
 *                      feature id + 1 (features when unknown), softmax outputs = classes (10 when unknown)
 *   worker buffers   = sparse: (1 + a) · (u · 4 · (pullWidth + pushWidth) · 2 + 24 · b · (z + 1))
 *                             + u · 4 · pushWidth · min(τ + 1, 256)
 *                      u = b · (z + 1) keys a minibatch at most, b = batchSize, z = non-zeros a row;
 *                      a = minibatches pulled ahead (over several members: min(τ, 2), τ = -1: 2;
 *                      else 0), each in a compute of its own; the pushes in flight keep copies
 *                      MLP: 2 · 4 · P (pull and push) + 4 · 4 · b · Σ layer sizes (activations)
 *   streamed data    = 52 · E + 40 · R + 128 · ⌈R / b⌉     (E, R = entries and rows of a shard)
 *                      the shard being read (keys 8 B, values 4 B an entry) and its copy in training
 *                      order, two prepared blocks' values and indexes (a sparse model's kept
 *                      minibatches: an occurrence and at most one unique rank an entry and row, 64 B
 *                      a minibatch) and the ranks an index is built from, and the read buffer;
 *                      rowStart, label and order a row
 *   key dictionary   = sparse: 52 · D,  D = min(K, entries of the worker's share), its distinct keys:
 *                      the lookup table (24 B a key at half load, or an int per id where the ids
 *                      are compact and that takes no more: {@link trainyard.engine.model.KeySpace}), the ordered keys (8; ordering
 *                      them takes 8 more for a moment, before the copy below exists), the servers'
 *                      record of the registration (4), the rank maps of the worker's batches and of
 *                      its indexer (4 each) and the copy sent (8)
 *   validation       = 4 · validation rows (AUC) + shard + 4 · R · outputs
 *                      [+ 4 · E + 4 · R · w · (m + 1) + 4 · K · pullWidth / m for a sparse model,
 *                      scored in shares: a shard's handles, the shares of a shard, its own and
 *                      (rank 0) every member's, w = 1 (linear), dim + 2 (FM); and the member's
 *                      keys' values, read once a validation pass]
 *   export           = (rank 0, counted for every member) sparse: one server shard at a time, sorted
 *                      for the file (key and pulled values), ⌈K/S⌉ · (8 + 4 · pullWidth), S = servers,
 *                      and over several members read from the checkpoint first (key and state [+ FM
 *                      embeddings]), ⌈K/S⌉ · (8 + 4 · stateWidth [+ 8 · dim]) more; the model file itself
 *                      written through spools on disk, and an early-stopping best kept there too;
 *                      MLP, dense: the whole model as it is built, 2 · 4 · P, with early stopping one
 *                      model more (the best epoch's, kept)
 * </pre>
 *
 * <p>Not counted: the cache of prepared blocks ({@link TrainingData}), which takes only the heap
 * this estimate leaves free under {@code -Xmx}, through soft references. To keep a whole
 * training set cached a member needs about {@link #cachedDataBytes} / m more.
 *
 * <p>The 1.25 is G1's headroom. The per-entry and per-key sizes were checked against the live heap
 * of LR on 1M CTR-like rows (39 entries a row, 674,657 keys, 16 shards) with the cache off: 139,
 * 237 and 343 MiB after GC with 1, 2 and 4 workers, about 100 MiB a worker, where this formula
 * then gave 131 MiB a worker before the headroom (docs/PERFORMANCE.md, "Memory estimate"); that
 * was before the kept minibatches, which add at most 33 (the formula now gives 164). An earlier
 * version, counting four whole shards and 96 B a key, said 3 to 4 times the measured heap, so
 * the api refused jobs that run (the 1M-row job at -Xmx1g).
 */
public final class MemoryEstimate {
  /** What a member needs beyond its heap: metaspace, code cache, thread stacks, GC structures. */
  public static final long JVM_OVERHEAD = 128L << 20;
  /** Engine objects that do not grow with the job. */
  public static final long FIXED_HEAP = 32L << 20;
  static final double GC_HEADROOM = 1.25;

  private MemoryEstimate() {}

  /** Bytes one of {@code members} processes needs, its JVM included: {@link #heapBytesPerMember} + {@link #JVM_OVERHEAD}. */
  public static long bytesPerMember(JobSpec spec, DatasetStats stats, int members) {
    return heapBytesPerMember(spec, stats, members, 0) + JVM_OVERHEAD;
  }

  /** {@link #bytesPerMember} in MiB, rounded up: what the api shows, the scheduler places by and an executor counts. */
  public static long megabytesPerMember(JobSpec spec, DatasetStats stats, int members) {
    return (bytesPerMember(spec, stats, members) + (1 << 20) - 1) >> 20;
  }

  /**
   * The heap ({@code -Xmx}) one of {@code members} processes needs. {@code validationRows}: rows
   * of a separate validation dataset (0 when none; a validation fraction is taken from the spec).
   */
  public static long heapBytesPerMember(JobSpec spec, DatasetStats stats, int members, long validationRows) {
    return heap(spec, stats, members, validationRows, true);
  }

  /**
   * The heap under {@code maxHeap} that a one-member job may keep its cache of prepared blocks in
   * ({@link TrainingData}): what {@link #heapBytesPerMember} leaves, but for the model exported at
   * the job's end, which may take the cache's room then (it is held by soft references, and no
   * epoch follows). With early stopping the exports come every epoch, and are left out of it.
   */
  static long cacheBytes(JobSpec spec, DatasetStats stats, long validationRows, long maxHeap) {
    return Math.max(0, maxHeap - heap(spec, stats, 1, validationRows, false));
  }

  private static long heap(JobSpec spec, DatasetStats stats, int members, long validationRows, boolean finalExport) {
    if (members < 1) {
      throw new IllegalArgumentException("members must be >= 1, got " + members);
    }
    JobSpec.Params p = spec.params();
    int workers = (spec.resources().workers() + members - 1) / members;
    long shards = Math.max(1, stats.shards());
    long entries = (stats.nonZeros() + shards - 1) / shards;
    long rows = (stats.rows() + shards - 1) / shards;
    double perRow = stats.rows() == 0 ? 0 : (double) stats.nonZeros() / stats.rows();
    long keys = stats.features() + 1;
    long batch = p.batchSize();
    long shardBytes = 16 * entries + 8 * rows;
    int allWorkers = Math.max(1, spec.resources().workers());
    long shareEntries = entries * ((shards + allWorkers - 1) / allWorkers);
    long dictionaryKeys = Math.min(keys, Math.max(entries, shareEntries));

    int kept = spec.stopping().patience() > 0 ? 1 : 0;
    long model;
    long exported;
    long buffers;
    long shareWidth = 0;
    long pulledFloats = 0;
    int outputs = 1;
    if (spec.algorithm().equals("mlp")) {
      long params = 0;
      long in = stats.maxFeatureId() >= 0 ? MlpShape.inputs(stats.maxFeatureId()) : stats.features();
      long layerSum = in;
      for (int i = 0; i < p.hiddenSize(); i++) {
        params += (in + 1) * p.hidden(i);
        in = p.hidden(i);
        layerSum += in;
      }
      // a dataset ingested before its classes were counted: 10
      outputs = !p.loss().equals("softmax") ? 1 : MlpShape.outputs(stats.classes() > 0 ? stats.classes() : 10);
      params += (in + 1) * outputs;
      layerSum += outputs;
      int perFloat = Optimizers.create(p.optimizer(), 1, p.learningRate(), p.l1(), p.l2(), WeightInit.ZERO).stateWidth();
      model = params * 4 * perFloat + (params / 128 + 1) * 56;
      exported = 4 * params * (2 + kept);
      buffers = 2 * 4 * params + 4 * 4 * batch * layerSum;
      dictionaryKeys = 0;
    } else {
      boolean fm = spec.algorithm().equals("fm");
      var linear = Optimizers.create(p.optimizer(), 1, p.learningRate(), p.l1(), p.l2(), WeightInit.ZERO);
      int stateWidth = linear.stateWidth();
      int pull = 1;
      int push = 1;
      long embedding = 0;
      if (fm) {
        FmUpdater u = new FmUpdater(linear, p.dim(), p.threshold(), p.learningRate());
        stateWidth = u.stateWidth();
        pull = u.pullWidth();
        push = u.pushWidth();
        embedding = 8L * p.dim();
      }
      model = keys * (56 + 4L * stateWidth + embedding);
      long shardKeys = (keys + spec.resources().servers() - 1) / spec.resources().servers();
      // One process exports from its live servers; over several, rank 0 reads each shard's file first.
      exported = shardKeys * (8 + 4L * pull + (members == 1 ? 0 : 8 + 4L * stateWidth + embedding));
      shareWidth = fm ? p.dim() + 2 : 1;
      pulledFloats = keys * pull;
      long occurrences = (long) Math.ceil(batch * (perRow + 1));
      long unique = Math.min(occurrences, keys);
      int tau = spec.consistency().maxDelay();
      int inFlight = tau < 0 ? 256 : Math.min(tau + 1, 256);
      int ahead = members == 1 || tau == 0 ? 0 : tau < 0 ? WorkerLoop.MAX_AHEAD : Math.min(tau, WorkerLoop.MAX_AHEAD);
      buffers = (1 + ahead) * (unique * 4 * (pull + push) * 2 + 24 * occurrences) + unique * 4 * push * inFlight;
    }
    long streamed = 52 * entries + 40 * rows + 128 * ((rows + batch - 1) / batch) + 52 * dictionaryKeys;
    long heldOut = validationRows;
    if (spec.validation() != null && spec.validation().fraction() != null) {
      heldOut += (long) Math.ceil(stats.rows() * spec.validation().fraction());
    }
    long validation = heldOut == 0 ? 0 : 4 * heldOut + shardBytes + 4 * rows * outputs
        + (shareWidth == 0 ? 0 : 4 * entries + 4 * rows * shareWidth * (members + 1L) + 4 * pulledFloats / members);
    // Without early stopping the only export is the final one, which the cache may make room for.
    long export = finalExport || kept > 0 ? exported : 0;
    double heap = (double) model / members + workers * (double) (buffers + streamed) + validation + export + FIXED_HEAP;
    return (long) Math.ceil(GC_HEADROOM * heap);
  }

  /**
   * What the cache holds when it keeps a whole training set, all workers together: its rows as
   * blocks and their kept minibatches, 16 bytes a row and 20 an entry (key and value, values
   * counted as everywhere in this estimate, and at most 8 for the minibatches' occurrences and
   * unique ranks), 4 more for fields when the data has them; 64 bytes a minibatch not counted.
   */
  public static long cachedDataBytes(DatasetStats stats) {
    long perEntry = 8 + 4 + 8 + (stats.hasFields() ? 4 : 0);
    return stats.nonZeros() * perEntry + 16 * stats.rows();
  }
}
