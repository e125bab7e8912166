package trainyard.engine.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import trainyard.engine.data.Dataset;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.ShardedDataset;
import trainyard.spec.JobSpec;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.TrainResult;
import trainyard.engine.train.Trainer;
import trainyard.engine.io.FileTrees;

/**
 * {@code train}: ingests the files into a temporary directory beside the model, trains, saves the
 * model, and removes the temporary shards. Progress goes to the log stream. Stateless.
 */
public final class LocalTrain {
  static final Set<String> OPTIONS = Set.of("spec", "data", "validation", "model", "format");

  private LocalTrain() {}

  /**
   * What one local training run did, for the command's summary and for benchmarks.
   *
   * @param ingestSeconds wall time to parse and shard the input files
   * @param trainSeconds  wall time of {@link Trainer#train}, loading the shards included
   */
  public record Outcome(JobSpec spec, DatasetStats train, double ingestSeconds, double trainSeconds,
      TrainResult result) {}

  static void run(Options o, PrintStream log) throws IOException {
    Path data = Path.of(o.required("data"));
    Path specFile = Path.of(o.required("spec"));
    Path model = Path.of(o.required("model"));
    Path validation = o.path("validation");
    Format format = LocalFiles.format(o.get("format"), data);
    JobSpec spec = LocalFiles.readSpec(specFile, data);
    Format validationFormat = validation == null ? null : LocalFiles.format(o.get("format"), validation);
    Outcome r = train(spec, data, format, validation, validationFormat, model.toAbsolutePath().getParent(), log);
    r.result().model().save(model);
    log.printf(Locale.ROOT, "model %s: %s, %d keys; ingest %.2f s, training %.2f s%s%n", model,
        r.result().model().info().algorithm(), r.result().model().info().keys(), r.ingestSeconds(), r.trainSeconds(),
        r.result().cancelled() ? " (stopped early)" : "");
  }

  /**
   * Trains on files. {@code workDir} receives the temporary shards (removed before returning).
   *
   * @param validation a held-out file, or null: the spec's validation fraction, or none
   */
  public static Outcome train(JobSpec spec, Path data, Format format, Path validation, Format validationFormat,
      Path workDir, PrintStream log) throws IOException {
    if (validation == null && spec.validation() != null && spec.validation().dataset() != null) {
      throw new UsageException("the spec names validation dataset \"" + spec.validation().dataset()
          + "\"; locally, pass it as --validation FILE");
    }
    Files.createDirectories(workDir);
    Path work = Files.createTempDirectory(workDir, ".trainyard-local-");
    try {
      int hashBits = spec.params().hashBits();
      long t0 = System.nanoTime();
      DatasetStats stats = LocalFiles.ingest(data, format, work.resolve("train"), hashBits);
      Dataset train = ShardedDataset.open(work.resolve("train"));
      Dataset held = null;
      if (validation != null) {
        LocalFiles.ingest(validation, validationFormat, work.resolve("validation"), hashBits);
        held = ShardedDataset.open(work.resolve("validation"));
      }
      double ingest = (System.nanoTime() - t0) / 1e9;
      log.printf(Locale.ROOT, "%s: %d rows, %d features, %d non-zeros, %d positive (%.2f s)%n", data, stats.rows(),
          stats.features(), stats.nonZeros(), stats.positives(), ingest);
      long t1 = System.nanoTime();
      TrainResult result = Trainer.train(new TrainRequest(spec, train, held, null), progress(log), () -> false);
      double seconds = (System.nanoTime() - t1) / 1e9;
      return new Outcome(spec, stats, ingest, seconds, result);
    } finally {
      FileTrees.deleteRecursively(work);
    }
  }

  private static TrainListener progress(PrintStream log) {
    return new TrainListener() {
      @Override
      public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
        StringBuilder line = new StringBuilder("epoch " + epoch + " (step " + step + "):");
        for (Map.Entry<String, Double> m : metrics.entrySet()) {
          line.append(String.format(Locale.ROOT, " %s %.6g", m.getKey(), m.getValue()));
        }
        log.println(line);
      }

      @Override
      public void onLog(String line) {
        log.println(line);
      }
    };
  }
}
