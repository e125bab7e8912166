package trainyard.engine.train;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.metrics.MetricsAccumulator;
import trainyard.engine.model.Model;

/**
 * The job's one coordinator, on rank 0 (ps-lite's scheduler node): waits until every member is
 * ready, runs the epochs as barriers, takes checkpoints at epoch ends and every
 * {@code checkpointMillis} within an epoch, has the members score the validation rows in shares
 * over their own shards (or exports the model to validate it), and is the only
 * one to tell the listener about epochs, progress and checkpoints. Members never decide.
 *
 * <p>An epoch is one or more segments: {@link Control.Start} from the workers' positions, then
 * every member's {@link Control.EpochDone}. A segment ends early when the coordinator pauses it
 * for a checkpoint (the next segment resumes at the positions), or to stop (cancel, time budget).
 * With early stopping ({@link BestEpoch}) the job also ends once {@code stopping.patience} epochs
 * passed without a better validation metric, and returns the best epoch's model.
 *
 * <p>Not thread-safe: {@link #run} runs on the caller's thread, which gets every listener call.
 */
final class Coordinator {
  /** What the coordinator needs of the job. */
  interface Job {
    /** The global index of rank {@code rank}'s first worker. */
    int firstWorker(int rank);

    /**
     * The model the servers hold now, as checkpoint {@code tag} (already saved) or directly; a
     * sparse one written to {@code file} and stored there ({@link
     * trainyard.engine.model.Algorithm#export}).
     */
    Model export(long tag, Path file) throws IOException;

    /** Where exported models are written: the checkpoint directory, or a temporary one without. */
    Path modelDir();

    /** Validation metrics of {@code model}; empty without validation data. */
    Map<String, Double> validate(Model model) throws IOException;

    /**
     * Whether the members score validation in shares over their own shards ({@link
     * trainyard.engine.model.ScoreShares}): then no epoch needs the model exported to validate it.
     */
    boolean scoresInShares();

    /** Validation blocks to score in shares; 0 without validation data. */
    int validationBlocks();

    MetricsAccumulator newMetrics();

    /** Adds the predictions made of block {@code block}'s summed shares to {@code metrics}. */
    void addScores(int block, float[] sum, MetricsAccumulator metrics) throws IOException;
  }

  private enum Pause { NONE, CHECKPOINT, STOP }

  /** How long the end waits for members to acknowledge it; the model is safe whatever they do. */
  private static final long FINISH_WAIT_NANOS = 10_000_000_000L;

  private final Link link;
  private final Job job;
  private final int attempt;
  private final int epochs;
  private final int workers;
  private final int servers;
  private final Path checkpointDir;
  private final String fingerprint;
  private final Clock clock;
  private final long deadlineMillis;
  private final long checkpointMillis;
  private final long readyMillis;
  private final StallWatch stalls;
  private final Pulse pulse;
  private final TrainListener listener;
  private final BooleanSupplier cancelled;
  /** Early stopping's best epoch; null without it. */
  private final BestEpoch best;
  private final long[] batchesByRank;
  private boolean cancelSeen;
  /** Minibatches of all workers over all epochs, from the members' {@link Control.Ready}: progress's denominator. */
  private long totalBatches = 1;
  private long lastProgressReport;

  Coordinator(Link link, Job job, int attempt, int epochs, int workers, int servers, Path checkpointDir, String fingerprint,
      Clock clock, long deadlineMillis, long checkpointMillis, long readyMillis, long stallMillis,
      Pulse pulse, TrainListener listener, BooleanSupplier cancelled, BestEpoch best) {
    this.link = link;
    this.job = job;
    this.attempt = attempt;
    this.epochs = epochs;
    this.workers = workers;
    this.servers = servers;
    this.checkpointDir = checkpointDir;
    this.fingerprint = fingerprint;
    this.clock = clock;
    this.deadlineMillis = deadlineMillis;
    this.checkpointMillis = checkpointMillis;
    this.readyMillis = readyMillis;
    this.stalls = new StallWatch(link.size(), stallMillis, System::nanoTime);
    this.pulse = pulse;
    this.listener = listener;
    this.cancelled = cancelled;
    this.best = best;
    this.batchesByRank = new long[link.size()];
  }

  /** Trains from {@code resumed} (or the start, when null) to the end or a stop. */
  TrainResult run(Checkpoints.Manifest resumed) throws IOException, InterruptedException {
    awaitReady();
    int epoch = 0;
    long[] positions = new long[workers];
    long steps = 0;
    long stepsBefore = 0;
    // Tags carry the attempt in their high half, so an older attempt's files never take a newer
    // one's names, and its commits are refused (Checkpoints.commit).
    long tag = (long) attempt << 32;
    Map<String, Double> last = new LinkedHashMap<>();
    if (resumed != null) {
      Checkpoints.Progress p = resumed.progress();
      epoch = p.epochsDone();
      positions = p.positions();
      steps = p.steps();
      stepsBefore = steps;
      tag = Math.max(tag, resumed.tag());
      last.putAll(p.metrics());
      if (best != null && p.bestEpoch() > 0) {
        best.restore(p.bestEpoch(), p.bestMetrics(),
            Model.stored(Checkpoints.committedBestModel(checkpointDir, p.bestEpoch(), resumed.tag())));
      }
    }
    long lastCheckpoint = clock.millis();
    boolean stopped = false;
    Model exported = null; // the last epoch's, when it exported one: the final model needs no second export
    while (epoch < epochs && !stopped) {
      exported = null; // not held through an epoch's training
      if (best != null && best.exhausted(epoch)) {
        listener.onLog("stopped early after epoch " + epoch + ": " + best.metric() + " did not improve for "
            + best.patience() + " epochs (stopping.patience)");
        break;
      }
      double loss = 0;
      long examples = 0;
      long nanos = 0;
      double[] trained = new double[link.size()];
      while (true) {
        long t0 = System.nanoTime();
        Segment s = segment(epoch, positions, lastCheckpoint, stepsBefore);
        nanos += System.nanoTime() - t0;
        loss += s.loss;
        examples += s.examples;
        positions = s.positions;
        for (int r = 0; r < trained.length; r++) {
          trained[r] += s.seconds[r];
        }
        steps = stepsBefore + sum(batchesByRank);
        if (s.complete) {
          break;
        }
        if (s.pause == Pause.STOP) {
          stopped = true;
          cancelSeen = cancelled.getAsBoolean();
          break;
        }
        tag = checkpoint(tag + 1, progress(epoch, positions, steps, last));
        lastCheckpoint = clock.millis();
      }
      if (stopped) {
        listener.onLog("stopped in epoch " + (epoch + 1) + " after " + examples + " examples: "
            + (cancelSeen ? "cancelled" : "stopping.maxSeconds reached"));
        break;
      }
      epoch++;
      positions = new long[workers];
      tag = save(tag + 1);
      // A model scored in shares is exported only to be kept: the best epoch's, or the last one.
      Model model = job.scoresInShares() ? null : job.export(tag, exportFile(tag));
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put(Evaluation.TRAIN_LOSS, examples == 0 ? 0 : loss / examples);
      metrics.putAll(validate(model));
      double seconds = nanos / 1e9;
      metrics.put(Evaluation.EXAMPLES_PER_SEC, seconds > 0 ? examples / seconds : 0);
      if (trained.length > 1) {
        metrics.put(Evaluation.BARRIER_WAIT, barrierWait(trained));
      }
      last = metrics;
      if (best != null && !best.beats(metrics)) {
        // Before the manifest that names it; under this attempt's name, which an older attempt's never replaces.
        Path file = Checkpoints.bestModelWrittenBy(job.modelDir(), epoch, attempt);
        if (model == null) {
          model = job.export(tag, file);
        } else {
          model.save(file);
        }
        best.offer(epoch, metrics, model);
      }
      commit(tag, progress(epoch, positions, steps, metrics));
      lastCheckpoint = clock.millis();
      listener.onEpoch(epoch, steps, metrics);
      listener.onProgress((double) steps / totalBatches);
      listener.onLog("epoch " + epoch + ": " + format(metrics));
      exported = model;
    }
    Model model;
    Map<String, Double> finalMetrics = last;
    if (stopped) {
      // The stop is a checkpoint too: a job stopped by its executor resumes exactly here.
      tag = checkpoint(tag + 1, progress(epoch, positions, steps, last));
      model = job.export(tag, exportFile(tag));
      finalMetrics = new LinkedHashMap<>(last);
      finalMetrics.putAll(validate(model));
    } else {
      model = best != null ? null : exported != null ? exported : job.export(tag, exportFile(tag));
    }
    if (best != null && (model == null || best.beats(finalMetrics))) {
      listener.onLog("keeping epoch " + best.epoch() + "'s model, the best by " + best.describe()
          + (model == null ? "" : ", not the one of the stop"));
      model = best.model();
      finalMetrics = best.metrics();
    }
    finish();
    listener.onProgress(stopped ? (double) steps / totalBatches : 1.0);
    return new TrainResult(model, finalMetrics, cancelSeen);
  }

  private Path exportFile(long tag) {
    return Checkpoints.exportedModel(job.modelDir(), tag);
  }

  private Checkpoints.Progress progress(int epoch, long[] positions, long steps, Map<String, Double> metrics) {
    return best == null ? new Checkpoints.Progress(epoch, positions, steps, metrics)
        : new Checkpoints.Progress(epoch, positions, steps, metrics, best.epoch(), best.metrics());
  }

  /** A segment's outcome; {@code seconds[r]}: how long rank r's workers trained in it. */
  private record Segment(boolean complete, Pause pause, double loss, long examples, long[] positions,
      double[] seconds) {}

  /**
   * The share of the members' training time spent waiting at the epoch's end for the slowest,
   * Σ (max − t_r) / (n · max) over the n members that trained (t_r > 0: a member without
   * workers only serves); 0 when fewer than two did. A straggler shows here: one executor slower
   * than the others (a busier or slower machine).
   */
  static double barrierWait(double[] seconds) {
    double max = 0;
    double sum = 0;
    int n = 0;
    for (double t : seconds) {
      if (t > 0) {
        max = Math.max(max, t);
        sum += t;
        n++;
      }
    }
    return n > 1 ? 1 - sum / (n * max) : 0;
  }

  /** Runs the workers from {@code positions} until every member reports the epoch done or paused. */
  private Segment segment(int epoch, long[] positions, long lastCheckpoint, long stepsBefore)
      throws InterruptedException {
    broadcast(new Control.Start(epoch, positions));
    stalls.start();
    long[] next = positions.clone();
    double[] seconds = new double[link.size()];
    boolean[] reported = new boolean[link.size()];
    boolean complete = true;
    double loss = 0;
    long examples = 0;
    int done = 0;
    Pause pause = Pause.NONE;
    while (done < link.size()) {
      Control m = take(100);
      if (m instanceof Control.EpochDone d && !reported[d.rank()]) {
        reported[d.rank()] = true;
        done++;
        complete &= d.complete();
        loss += d.loss();
        examples += d.examples();
        System.arraycopy(d.positions(), 0, next, job.firstWorker(d.rank()), d.positions().length);
        seconds[d.rank()] = d.seconds();
      } else if (m instanceof Control.Progress p) {
        batchesByRank[p.rank()] = Math.max(batchesByRank[p.rank()], p.batches());
        stalls.report(p);
      } else if (m instanceof Control.Failed f) {
        throw new IllegalStateException(f.message());
      }
      stalls.check(r -> !reported[r]);
      if (pause == Pause.NONE) {
        pause = pauseWanted(lastCheckpoint);
        if (pause != Pause.NONE) {
          broadcast(new Control.Pause());
        }
      }
      reportProgress(stepsBefore);
    }
    if (!complete && pause == Pause.NONE) {
      // Rank 0's workers stopped by themselves: cancelled or out of time.
      pause = Pause.STOP;
    }
    return new Segment(complete, pause, loss, examples, next, seconds);
  }

  private Pause pauseWanted(long lastCheckpoint) {
    if (cancelled.getAsBoolean()) {
      return Pause.STOP;
    }
    long now = clock.millis();
    if (now >= deadlineMillis) {
      return Pause.STOP;
    }
    return checkpointDir != null && now - lastCheckpoint >= checkpointMillis ? Pause.CHECKPOINT : Pause.NONE;
  }

  private void awaitReady() throws InterruptedException {
    boolean[] ready = new boolean[link.size()];
    int count = 0;
    long perEpoch = 0;
    long deadline = System.nanoTime() + Math.min(readyMillis, 1L << 40) * 1_000_000; // no overflow
    while (count < ready.length) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      Control m = left > 0 ? take(Math.min(left, 100)) : null;
      if (m instanceof Control.Ready r && !ready[r.rank()]) {
        ready[r.rank()] = true;
        count++;
        perEpoch += r.batchesPerEpoch();
      } else if (m instanceof Control.Failed f) {
        throw new IllegalStateException(f.message());
      } else if (left <= 0) {
        List<Integer> missing = new ArrayList<>();
        for (int r = 0; r < ready.length; r++) {
          if (!ready[r]) {
            missing.add(r);
          }
        }
        throw new AttemptLostException("members " + missing + " were not ready within " + readyMillis / 1000 + " s");
      }
    }
    totalBatches = Math.max(1, perEpoch * epochs);
  }

  /** Writes every shard as {@code tag} and commits it with {@code progress}; returns the tag. */
  private long checkpoint(long tag, Checkpoints.Progress progress) throws IOException, InterruptedException {
    save(tag);
    commit(tag, progress);
    return tag;
  }

  /** Validation metrics of the servers' state now: scored in shares by the members, or of {@code model}, its export. */
  private Map<String, Double> validate(Model model) throws IOException, InterruptedException {
    if (!job.scoresInShares()) {
      return job.validate(model);
    }
    if (job.validationBlocks() == 0) {
      return Map.of();
    }
    MetricsAccumulator metrics = job.newMetrics();
    for (int b = 0; b < job.validationBlocks(); b++) {
      int block = b;
      broadcast(new Control.Score(block));
      Control[] shares = awaitEach(m -> m instanceof Control.Shares s && s.block() == block ? s.rank() : -1);
      // Summed in rank order, so a job's metrics do not depend on which member answered first.
      float[] sum = ((Control.Shares) shares[0]).share();
      for (int r = 1; r < shares.length; r++) {
        float[] share = ((Control.Shares) shares[r]).share();
        for (int i = 0; i < sum.length; i++) {
          sum[i] += share[i];
        }
      }
      if (sum.length > 0) {
        job.addScores(b, sum, metrics);
      }
    }
    return metrics.result();
  }

  /** Has every member write its shards under {@code tag} (with no checkpoint directory: nothing). */
  private long save(long tag) throws InterruptedException {
    if (checkpointDir == null) {
      return tag;
    }
    broadcast(new Control.Save(tag));
    awaitEach(m -> m instanceof Control.Saved s && s.tag() == tag ? s.rank() : -1);
    return tag;
  }

  /**
   * Waits for one reply from every rank to the command just broadcast, by rank: {@code rankOf}
   * gives a message's rank when it is such a reply, else -1 (other messages are dropped). A
   * member's {@link Control.Failed} fails the job; one that stalls loses the attempt.
   */
  private Control[] awaitEach(ToIntFunction<Control> rankOf) throws InterruptedException {
    Control[] replies = new Control[link.size()];
    int got = 0;
    stalls.start();
    while (got < replies.length) {
      Control m = take(100);
      if (m instanceof Control.Failed f) {
        throw new IllegalStateException(f.message());
      }
      int r = m == null ? -1 : rankOf.applyAsInt(m);
      if (r >= 0 && replies[r] == null) {
        replies[r] = m;
        got++;
      }
      stalls.check(k -> replies[k] == null);
    }
    return replies;
  }

  /** The coordinator's next message, or null after {@code millis}; each call is a beat of its pulse. */
  private Control take(long millis) throws InterruptedException {
    pulse.beat();
    return link.takeCoordinator(millis);
  }

  private void commit(long tag, Checkpoints.Progress progress) throws IOException {
    if (checkpointDir != null) {
      Checkpoints.commit(checkpointDir, fingerprint, tag, servers, progress);
      listener.onCheckpoint(checkpointDir);
    }
  }

  /** Tells every member the job is over and waits (a while) until each has heard it. */
  private void finish() throws InterruptedException {
    broadcast(new Control.Finish());
    boolean[] heard = new boolean[link.size()];
    int count = 0;
    long deadline = System.nanoTime() + FINISH_WAIT_NANOS;
    while (count < heard.length && System.nanoTime() < deadline) {
      Control m = take(100);
      if (m instanceof Control.Finished f && !heard[f.rank()]) {
        heard[f.rank()] = true;
        count++;
      }
    }
  }

  private void broadcast(Control m) {
    for (int r = 0; r < link.size(); r++) {
      link.send(r, m);
    }
  }

  private void reportProgress(long stepsBefore) {
    long now = System.nanoTime();
    if (now - lastProgressReport >= 1_000_000_000L) {
      lastProgressReport = now;
      listener.onProgress(Math.min(1.0, (double) (stepsBefore + sum(batchesByRank)) / totalBatches));
    }
  }

  private static long sum(long[] a) {
    long s = 0;
    for (long v : a) {
      s += v;
    }
    return s;
  }

  static String format(Map<String, Double> metrics) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(e.getKey()).append('=').append(String.format(java.util.Locale.ROOT, "%.5g", e.getValue()));
    }
    return sb.toString();
  }
}
