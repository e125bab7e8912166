package trainyard.engine.train;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.model.Algorithm;
import trainyard.engine.model.BatchCompute;
import trainyard.engine.model.Model;
import trainyard.engine.model.ModelInfo;
import trainyard.engine.ps.ParameterServer;
import trainyard.spec.JobSpec;

/**
 * The engine's facade: trains the model a job spec describes on an in-process parameter server
 * ({@code servers} shards) with {@code workers} worker threads, epoch by epoch. Training and
 * validation data are streamed shard by shard ({@link WorkerStream}, {@link TrainingData}), so
 * memory does not grow with the dataset ({@link MemoryEstimate}).
 *
 * <p>Each call is independent; an instance is thread-safe. Listener calls come from the calling
 * thread; {@code cancelled} is polled from the worker threads before every minibatch, so it must
 * be thread-safe.
 */
public final class Trainer {
  private static final AtomicInteger JOBS = new AtomicInteger();

  private final Clock clock;

  /** {@code clock} decides the {@code stopping.maxSeconds} deadline. */
  public Trainer(Clock clock) {
    this.clock = clock;
  }

  /** Trains with the system clock. */
  public static TrainResult train(TrainRequest request, TrainListener listener, BooleanSupplier cancelled)
      throws IOException {
    return new Trainer(Clock.systemUTC()).run(request, listener, cancelled);
  }

  /** As {@link #train}, with this trainer's clock. */
  public TrainResult run(TrainRequest request, TrainListener listener, BooleanSupplier cancelled) throws IOException {
    return run(request, null, listener, cancelled);
  }

  /** As {@link #run}, with {@code algorithm} instead of the one the spec names when not null (baselines in tests). */
  TrainResult run(TrainRequest request, Algorithm override, TrainListener listener, BooleanSupplier cancelled)
      throws IOException {
    JobSpec spec = request.spec();
    JobSpec.Params p = spec.params();
    int workers = spec.resources().workers();
    long deadline = clock.millis() + spec.stopping().maxSeconds() * 1000;

    TrainingData data = TrainingData.plan(request, workers);
    Algorithm algorithm = override != null ? override : Algorithms.create(spec, data);
    ModelInfo info = new ModelInfo(algorithm.name(), 0, data.stats.hashBits(), spec.toJson(),
        data.stats.checksum(), p.seed(), ModelInfo.ENGINE_VERSION);
    String name = "trainyard-job-" + JOBS.incrementAndGet();
    listener.onLog(algorithm.name() + ": " + workers + " workers, " + spec.resources().servers() + " servers, "
        + data.trainRows + " training rows, " + data.validationRows + " validation rows, maxDelay " + spec.consistency().maxDelay());

    AtomicBoolean cancelSeen = new AtomicBoolean();
    AtomicBoolean abort = new AtomicBoolean();
    WorkerLoop.StopSignal stop = () -> {
      if (abort.get()) {
        return true;
      }
      if (cancelled.getAsBoolean()) {
        cancelSeen.set(true);
        return true;
      }
      return clock.millis() >= deadline;
    };
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, name + "-worker");
      t.setDaemon(true);
      return t;
    });
    ParameterServer.Mode mode = serverMode(workers, spec.resources().servers());
    List<WorkerStream> streams = new ArrayList<>();
    try (ParameterServer ps = new ParameterServer(algorithm.keyRanges(spec.resources().servers()),
        algorithm::newUpdater, (int) Math.min(Integer.MAX_VALUE, algorithm.expectedKeys()), name, mode)) {
      listener.onLog("servers run " + (mode == ParameterServer.Mode.THREADS ? "on their own threads" : "in the workers' threads"));
      List<WorkerLoop> loops = new ArrayList<>();
      long batchesPerEpoch = 0;
      for (int w = 0; w < workers; w++) {
        BatchCompute compute = algorithm.newCompute();
        WorkerStream stream = data.stream(w, p.batchSize(), compute::index);
        streams.add(stream);
        WorkerLoop loop = new WorkerLoop(ps.newWorker(), spec.consistency().maxDelay(), compute, stream, p.batchSize());
        loops.add(loop);
        batchesPerEpoch += loop.batchesPerEpoch();
      }
      long totalBatches = Math.max(1, batchesPerEpoch * p.epochs());
      AtomicLong batchesDone = new AtomicLong();
      Map<String, Double> last = new LinkedHashMap<>();
      long step = 0;
      int firstEpoch = 0;
      Path checkpointDir = request.checkpointDir();
      String fingerprint = info.specJson() + "\n" + info.datasetChecksum();
      if (checkpointDir != null) {
        Checkpoints.Progress resumed = Checkpoints.load(checkpointDir, fingerprint, ps);
        if (resumed != null) {
          firstEpoch = resumed.epochsDone();
          step = resumed.steps();
          batchesDone.set(step);
          last = new LinkedHashMap<>(resumed.metrics());
          listener.onLog("resumed from checkpoint after epoch " + firstEpoch + " (" + ps.keyCount() + " keys)");
        }
      }
      boolean stopped = false;
      for (int epoch = firstEpoch; epoch < p.epochs() && !stopped; epoch++) {
        long t0 = System.nanoTime();
        stopped = !runEpoch(pool, loops, epoch, stop, abort, batchesDone, totalBatches, listener);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ps.checkHealthy();
        double loss = 0;
        long examples = 0;
        for (WorkerLoop loop : loops) {
          loss += loop.epochLoss;
          examples += loop.epochExamples;
        }
        step = batchesDone.get();
        if (stopped) {
          listener.onLog("stopped in epoch " + (epoch + 1) + " after " + examples + " examples: "
              + (cancelSeen.get() ? "cancelled" : "stopping.maxSeconds reached"));
          break;
        }
        Model model = algorithm.export(ps, info);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(Evaluation.TRAIN_LOSS, examples == 0 ? 0 : loss / examples);
        if (data.hasValidation()) {
          metrics.putAll(data.evaluate(model));
        }
        metrics.put(Evaluation.EXAMPLES_PER_SEC, seconds > 0 ? examples / seconds : 0);
        last = metrics;
        listener.onEpoch(epoch + 1, step, metrics);
        // Epochs shorter than the one-second poll in runEpoch would otherwise report no progress.
        listener.onProgress((double) step / totalBatches);
        long keys = ps.keyCount();
        long bytes = ps.memoryBytes();
        listener.onLog("epoch " + (epoch + 1) + ": " + format(metrics) + "; servers hold " + keys + " keys in "
            + (bytes >> 20) + " MiB (" + (keys == 0 ? 0 : bytes / keys) + " bytes/key)");
        if (checkpointDir != null) {
          Checkpoints.save(checkpointDir, fingerprint, new Checkpoints.Progress(epoch + 1, step, metrics), ps);
          listener.onCheckpoint(checkpointDir);
        }
      }
      Model model = algorithm.export(ps, info);
      Map<String, Double> finalMetrics = last;
      if (stopped) {
        finalMetrics = new LinkedHashMap<>(last);
        if (data.hasValidation()) {
          finalMetrics.putAll(data.evaluate(model));
        }
      }
      listener.onProgress(stopped ? (double) batchesDone.get() / totalBatches : 1.0);
      return new TrainResult(model, finalMetrics, cancelSeen.get());
    } finally {
      pool.shutdownNow();
      for (WorkerStream s : streams) {
        s.close();
      }
    }
  }

  /**
   * Runs one epoch on every worker; reports progress while waiting. False if stopped early. When
   * a worker fails, {@code abort} stops the others at their next minibatch, and once all have
   * returned the first failure is thrown.
   */
  private static boolean runEpoch(ExecutorService pool, List<WorkerLoop> loops, int epoch, WorkerLoop.StopSignal stop,
      AtomicBoolean abort, AtomicLong batchesDone, long totalBatches, TrainListener listener) {
    List<Future<Boolean>> futures = new ArrayList<>();
    for (WorkerLoop loop : loops) {
      futures.add(pool.submit(() -> {
        try {
          return loop.runEpoch(epoch, stop, batchesDone);
        } catch (RuntimeException | Error e) {
          abort.set(true); // stops the other workers now, whichever future the trainer waits on
          throw e;
        }
      }));
    }
    boolean complete = true;
    RuntimeException failure = null;
    for (Future<Boolean> f : futures) {
      while (true) {
        try {
          complete &= f.get(1, TimeUnit.SECONDS);
          break;
        } catch (TimeoutException e) {
          listener.onProgress((double) batchesDone.get() / totalBatches);
        } catch (InterruptedException e) {
          abort.set(true);
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while training", e);
        } catch (ExecutionException e) {
          abort.set(true);
          Throwable cause = e.getCause();
          if (failure == null) {
            failure = cause instanceof RuntimeException re ? re
                : new IllegalStateException("worker failed: " + cause, cause);
          }
          break;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return complete;
  }

  private static String format(Map<String, Double> metrics) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(e.getKey()).append('=').append(String.format(java.util.Locale.ROOT, "%.5g", e.getValue()));
    }
    return sb.toString();
  }

  /**
   * Server threads only when the machine has a core for every worker and server; otherwise the
   * workers run server requests themselves (no hand-offs). The system property
   * {@code trainyard.engine.ps.mode} ({@code threads} or {@code direct}) overrides, for benchmarks.
   */
  static ParameterServer.Mode serverMode(int workers, int servers) {
    String forced = System.getProperty("trainyard.engine.ps.mode", "");
    switch (forced) {
      case "threads":
        return ParameterServer.Mode.THREADS;
      case "direct":
        return ParameterServer.Mode.DIRECT;
      case "":
        return workers + servers <= Runtime.getRuntime().availableProcessors()
            ? ParameterServer.Mode.THREADS : ParameterServer.Mode.DIRECT;
      default:
        throw new IllegalArgumentException("trainyard.engine.ps.mode must be threads or direct, got '" + forced + "'");
    }
  }
}
