package trainyard.bench;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.CsrBuilder;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.data.synth.ImageGenerator;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.metrics.MetricsAccumulator;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.Trainer;
import trainyard.scheduler.study.Asha;
import trainyard.scheduler.study.Objective;
import trainyard.scheduler.study.Parameter;
import trainyard.scheduler.study.SearchSpace;
import trainyard.spec.JobSpec;

/**
 * The defaults benchmark (issue 12, docs/DEFAULTS.md): candidate parameter sets of each algorithm
 * on binary datasets of different shapes, beside LIBLINEAR ({@code -s 0}, C swept) and xgboost, on
 * the same train/test split. A candidate is a line of the candidates file,
 * {@code algorithm | label | params JSON}; {@code {}} is the spec module's defaults.
 *
 * <p>{@code DefaultsBench [--datasets a,b] [--algorithms linear,fm] [--candidates FILE] [--work DIR]
 * [--scale F] [--no-peers] [--study TRIALS]}. {@code --study} also runs, per dataset and
 * algorithm, an ASHA study of that many trials ({@link #STUDY_SPACES}, up to
 * {@value #STUDY_EPOCHS} epochs, η 2, rungs at 2 and 4 epochs, seed 1) through {@link StudyRun}
 * and reports its best trial; its objective is the test logloss, as LIBLINEAR's C is chosen. Datasets: {@code ctr} (CtrGenerator seed 7, 500k/100k rows),
 * {@code ctr-heldout} (seed 23, other vocabulary and weights, 300k/100k), {@code ctr-pairs}
 * (strong interactions, 2^16 ids, 200k/50k), {@code ctr-fresh} (seed 41, 2^18 ids, fewer positives,
 * 400k/100k: looked at only after the defaults were chosen), {@code fashion} (Fashion-MNIST "tops", classes
 * 0, 2, 4, 6 against the rest, 60k/10k, Debian's dataset-fashion-mnist), {@code image} (ImageGenerator seed
 * 5 as the same binary task, 30k/10k), {@code heart} (LIBLINEAR's heart_scale, 270 rows, every
 * fourth row tested). {@code --scale} multiplies the generated row counts. Prints a markdown
 * report, also written to {@code DIR/defaults.md}. Single-threaded driver.
 */
public final class DefaultsBench {
  private static final double[] LIBLINEAR_C = {0.003, 0.01, 0.03, 0.1, 0.3, 1};
  private static final int SHARD_ROWS = 25_000;
  private static final int STUDY_EPOCHS = 6;
  /** Per algorithm, the space a user would search around the defaults. */
  private static final Map<String, SearchSpace> STUDY_SPACES = Map.of(
      "linear", new SearchSpace(List.of(new Parameter.Range("params.learningRate", 0.003, 0.3, true, false, 3),
          new Parameter.Range("params.l2", 1e-6, 1e-2, true, false, 3),
          new Parameter.Choice("params.batchSize", List.of(100, 200, 500, 1000)))),
      "fm", new SearchSpace(List.of(new Parameter.Range("params.learningRate", 0.003, 0.3, true, false, 3),
          new Parameter.Range("params.l2", 1e-5, 1e-1, true, false, 3),
          new Parameter.Choice("params.dim", List.of(4, 8, 16)))),
      "mlp", new SearchSpace(List.of(new Parameter.Range("params.learningRate", 1e-4, 1e-2, true, false, 3),
          new Parameter.Choice("params.batchSize", List.of(64, 128, 256)))));

  private record Candidate(String algorithm, String label, String params) {}

  /** A train/test split in memory and as libsvm files (for the peers). */
  private record Data(String name, String shape, MemoryDataset train, MemoryDataset test, Path trainFile,
      Path testFile, boolean dense) {}

  private final Path work;
  private final double scale;
  private final int studyTrials;
  private final List<String> report = new ArrayList<>();

  private DefaultsBench(Path work, double scale, int studyTrials) {
    this.work = work;
    this.scale = scale;
    this.studyTrials = studyTrials;
  }

  public static void main(String[] args) throws Exception {
    List<String> datasets = List.of("ctr", "ctr-heldout", "ctr-pairs", "ctr-fresh", "fashion", "image", "heart");
    List<String> algorithms = JobSpec.ALGORITHMS;
    Path candidates = Path.of("bench/defaults/candidates.txt");
    Path work = Path.of(System.getProperty("java.io.tmpdir"), "trainyard-defaults");
    double scale = 1;
    boolean peers = true;
    int studyTrials = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--datasets" -> datasets = List.of(args[++i].split(","));
        case "--algorithms" -> algorithms = List.of(args[++i].split(","));
        case "--candidates" -> candidates = Path.of(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--scale" -> scale = Double.parseDouble(args[++i]);
        case "--no-peers" -> peers = false;
        case "--study" -> studyTrials = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(work);
    new DefaultsBench(work, scale, studyTrials).run(datasets, algorithms, readCandidates(candidates), peers);
  }

  private static List<Candidate> readCandidates(Path file) throws IOException {
    List<Candidate> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\|", 3);
      if (f.length != 3) {
        throw new IllegalArgumentException(file + ": want 'algorithm | label | params JSON', got: " + line);
      }
      out.add(new Candidate(f[0].strip(), f[1].strip(), f[2].strip()));
    }
    return out;
  }

  private void run(List<String> datasets, List<String> algorithms, List<Candidate> candidates, boolean peers)
      throws Exception {
    line("# Defaults benchmark");
    line("");
    line(String.format(Locale.ROOT, "- date: %s; %d cores; %s %s, -Xmx %d MB", Instant.now(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20));
    line("");
    line("| dataset | shape | model | test logloss | test AUC | train s |");
    line("|---|---|---|---|---|---|");
    for (String name : datasets) {
      Data d = load(name);
      for (Candidate c : candidates) {
        if (!algorithms.contains(c.algorithm()) || (c.algorithm().equals("mlp") && !d.dense())) {
          continue; // an mlp's input is dense: not for millions of one-hot ids
        }
        train(d, c);
      }
      for (String algorithm : algorithms) {
        if (studyTrials > 0 && (!algorithm.equals("mlp") || d.dense())) {
          study(d, algorithm);
        }
      }
      if (peers) {
        liblinear(d);
        if (d.dense()) {
          xgboost(d);
        }
      }
    }
    Files.write(work.resolve("defaults.md"), report);
  }

  private void train(Data d, Candidate c) throws IOException {
    String json = "{\"name\": \"defaults-bench\", \"algorithm\": \"" + c.algorithm() + "\", \"dataset\": \"" + d.name()
        + "\", \"params\": " + c.params() + "}";
    JobSpec spec = JobSpec.parse(json);
    long t0 = System.nanoTime();
    Map<String, Double> m = Trainer.train(new TrainRequest(spec, d.train(), d.test(), null), TrainListener.NONE,
        () -> false).finalMetrics();
    row(d, c.algorithm() + " " + c.label(), m.get(Evaluation.VAL_LOGLOSS), m.get(Evaluation.VAL_AUC),
        (System.nanoTime() - t0) / 1e9);
  }

  private void study(Data d, String algorithm) throws Exception {
    Objective logloss = new Objective(Evaluation.VAL_LOGLOSS, false);
    Asha asha = new Asha(STUDY_SPACES.get(algorithm), 1, studyTrials, logloss, 2, 2, STUDY_EPOCHS);
    StudyRun.Outcome o = StudyRun.run(d.name() + " " + algorithm + " study", asha, logloss, params -> {
      StringBuilder json = new StringBuilder("{\"epochs\": " + STUDY_EPOCHS);
      params.forEach((k, v) -> json.append(", \"").append(k.substring("params.".length())).append("\": ").append(v));
      return JobSpec.parse("{\"name\": \"defaults-study\", \"algorithm\": \"" + algorithm + "\", \"dataset\": \""
          + d.name() + "\", \"params\": " + json + "}}");
    }, d.train(), d.test());
    row(d, String.format(Locale.ROOT, "%s, best of an ASHA study (%d trials, %d stopped, %.0f executor CPU-s): %s, "
        + "%d epochs", algorithm, o.trials(), o.stopped(), o.cpuSeconds(), StudyRun.describe(o.best().params()),
        o.best().values().lastKey()), o.bestMetrics().get(Evaluation.VAL_LOGLOSS),
        o.bestMetrics().get(Evaluation.VAL_AUC), o.wallSeconds());
  }

  private void row(Data d, String model, double logloss, double auc, double seconds) {
    line(String.format(Locale.ROOT, "| %s | %s | %s | %.5f | %.5f | %.1f |", d.name(), d.shape(), model, logloss, auc,
        seconds));
  }

  // ---- the datasets ----

  private Data load(String name) throws IOException {
    return switch (name) {
      case "ctr" -> ctr(name, new CtrGenerator(7), 22, rows(500_000), rows(100_000));
      case "ctr-heldout" -> ctr(name, new CtrGenerator(23, 20, 1.3, -1.2, 0.4, 0.2), 20, rows(300_000), rows(100_000));
      case "ctr-pairs" -> ctr(name, new CtrGenerator(17, 16, 1.1, -1.0, 0.5, 0.6), 16, rows(200_000), rows(50_000));
      case "ctr-fresh" -> ctr(name, new CtrGenerator(41, 18, 1.05, -2.0, 0.3, 0.3), 18, rows(400_000), rows(100_000));
      case "fashion" -> fashion();
      case "image" -> image(rows(30_000), 10_000);
      case "heart" -> heart();
      default -> throw new IllegalArgumentException("unknown dataset " + name);
    };
  }

  private int rows(int n) {
    return (int) Math.max(1000, Math.round(n * scale));
  }

  private Data ctr(String name, CtrGenerator gen, int idBits, int trainRows, int testRows) throws IOException {
    List<CsrBlock> train = new ArrayList<>();
    for (int first = 0; first < trainRows; first += SHARD_ROWS) {
      train.add(gen.block(first, Math.min(SHARD_ROWS, trainRows - first)));
    }
    CsrBlock test = gen.block(trainRows, testRows);
    return data(name, String.format(Locale.ROOT, "%dk × 39 of 2^%d one-hot ids", trainRows / 1000, idBits), train,
        test, false);
  }

  /** Fashion-MNIST "tops": T-shirt, pullover, coat and shirt (classes 0, 2, 4, 6) against the rest; pixels / 255. */
  private Data fashion() throws IOException {
    Path dir = Path.of("/usr/share/datasets/fashion-mnist");
    CsrBlock train = idx(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
    CsrBlock test = idx(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
    return data("fashion", "60k × 784 dense pixels", split(train), test, true);
  }

  private static CsrBlock idx(Path images, Path labels) throws IOException {
    try (DataInputStream im = new DataInputStream(new GZIPInputStream(Files.newInputStream(images), 1 << 16));
        DataInputStream lb = new DataInputStream(new GZIPInputStream(Files.newInputStream(labels), 1 << 16))) {
      if (im.readInt() != 2051 || lb.readInt() != 2049) {
        throw new IOException(images + " or " + labels + " is not an idx file");
      }
      int n = im.readInt();
      int pixels = im.readInt() * im.readInt();
      lb.readInt();
      CsrBuilder b = new CsrBuilder(false, n, n * 400);
      byte[] img = new byte[pixels];
      for (int r = 0; r < n; r++) {
        im.readFully(img);
        for (int p = 0; p < pixels; p++) {
          if (img[p] != 0) {
            b.add(p + 1, (img[p] & 0xff) / 255f);
          }
        }
        int label = lb.readUnsignedByte();
        b.endRow(label == 0 || label == 2 || label == 4 || label == 6 ? 1 : 0);
      }
      return b.build();
    }
  }

  /** ImageGenerator's classes as the same binary task: classes 0, 2, 4, 6 against the rest. */
  private Data image(int trainRows, int testRows) throws IOException {
    ImageGenerator gen = new ImageGenerator(5);
    List<CsrBlock> train = new ArrayList<>();
    for (int first = 0; first < trainRows; first += SHARD_ROWS) {
      train.add(binary(gen.block(first, Math.min(SHARD_ROWS, trainRows - first))));
    }
    return data("image", trainRows / 1000 + "k × 784 synthetic images", train,
        binary(gen.block(trainRows, testRows)), true);
  }

  private static CsrBlock binary(CsrBlock b) {
    float[] labels = new float[b.rows];
    for (int r = 0; r < b.rows; r++) {
      int c = (int) b.labels[r];
      labels[r] = c < 7 && c % 2 == 0 ? 1 : 0;
    }
    return new CsrBlock(b.rows, b.rowStart, b.keys, b.values, labels, b.fields);
  }

  /** LIBLINEAR's example (Statlog heart, 13 scaled features, labels ±1); every fourth row is tested. */
  private Data heart() throws IOException {
    CsrBuilder train = new CsrBuilder(false);
    CsrBuilder test = new CsrBuilder(false);
    List<String> lines = Files.readAllLines(Path.of("/usr/share/doc/liblinear-tools/examples/heart_scale"));
    for (int i = 0; i < lines.size(); i++) {
      CsrBuilder to = i % 4 == 3 ? test : train;
      String[] f = lines.get(i).trim().split("\\s+");
      for (int j = 1; j < f.length; j++) {
        int colon = f[j].indexOf(':');
        to.add(Long.parseLong(f[j].substring(0, colon)), Float.parseFloat(f[j].substring(colon + 1)));
      }
      to.endRow(Float.parseFloat(f[0]) > 0 ? 1 : 0);
    }
    return data("heart", train.rows() + " × 13 scaled", List.of(train.build()), test.build(), true);
  }

  private List<CsrBlock> split(CsrBlock b) {
    List<CsrBlock> out = new ArrayList<>();
    for (int first = 0; first < b.rows; first += SHARD_ROWS) {
      int n = Math.min(SHARD_ROWS, b.rows - first);
      CsrBuilder s = new CsrBuilder(false, n, b.rowStart[first + n] - b.rowStart[first]);
      for (int r = first; r < first + n; r++) {
        for (int e = b.rowStart[r]; e < b.rowStart[r + 1]; e++) {
          s.add(b.keys[e], b.value(e));
        }
        s.endRow(b.labels[r]);
      }
      out.add(s.build());
    }
    return out;
  }

  private Data data(String name, String shape, List<CsrBlock> train, CsrBlock test, boolean dense) throws IOException {
    Path trainFile = work.resolve(name + "-" + scale + "-train.libsvm");
    Path testFile = work.resolve(name + "-" + scale + "-test.libsvm");
    writeLibsvm(train, trainFile);
    writeLibsvm(List.of(test), testFile);
    return new Data(name, shape, new MemoryDataset(train), MemoryDataset.of(test), trainFile, testFile, dense);
  }

  /** Rows as libsvm, ids ascending; a row's repeated id (a hash collision) is one entry with the values summed. */
  private static void writeLibsvm(List<CsrBlock> blocks, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
      StringBuilder s = new StringBuilder();
      for (CsrBlock b : blocks) {
        for (int r = 0; r < b.rows; r++) {
          Map<Long, Float> row = new java.util.TreeMap<>();
          for (int e = b.rowStart[r]; e < b.rowStart[r + 1]; e++) {
            row.merge(b.keys[e], b.value(e), Float::sum);
          }
          s.setLength(0);
          s.append(b.labels[r] > 0 ? '1' : '0');
          row.forEach((k, v) -> s.append(' ').append(k).append(':').append(v));
          s.append('\n');
          out.write(s.toString().getBytes(StandardCharsets.US_ASCII));
        }
      }
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  // ---- the peers ----

  /** C from small up, until the test logloss gets worse. */
  private void liblinear(Data d) throws Exception {
    if (!Proc.installed("liblinear-train")) {
      line("| " + d.name() + " | | LIBLINEAR: not installed (`apt-get install -y liblinear-tools`) | | | |");
      return;
    }
    double bestLoss = Double.MAX_VALUE;
    String best = "";
    for (double c : LIBLINEAR_C) {
      Path model = work.resolve("liblinear.model");
      Path out = work.resolve("liblinear.predictions");
      Proc.Result t = Proc.run(List.of("liblinear-train", "-s", "0", "-B", "1", "-c", Double.toString(c), "-q",
          d.trainFile().toString(), model.toString()), work, 3600, null);
      if (t.exit() != 0) {
        throw new IOException("liblinear-train failed: " + t.output().strip());
      }
      Proc.run(List.of("liblinear-predict", "-b", "1", d.testFile().toString(), model.toString(), out.toString()),
          work, 3600, null);
      List<String> lines = Files.readAllLines(out);
      int column = Arrays.asList(lines.get(0).trim().split("\\s+")).indexOf("1");
      float[] p = new float[lines.size() - 1];
      for (int i = 0; i < p.length; i++) {
        p[i] = Float.parseFloat(lines.get(i + 1).trim().split("\\s+")[column]);
      }
      Map<String, Double> m = score(p, d.test());
      System.err.printf(Locale.ROOT, "%s LIBLINEAR C=%s: %s%n", d.name(), c, m);
      if (m.get(Evaluation.VAL_LOGLOSS) >= bestLoss) {
        break; // past the best C: the test logloss is unimodal in C
      } else {
        bestLoss = m.get(Evaluation.VAL_LOGLOSS);
        best = String.format(Locale.ROOT, "| %s | %s | LIBLINEAR -s 0, C swept: best C=%s | %.5f | %.5f | %.1f |",
            d.name(), d.shape(), c, bestLoss, m.get(Evaluation.VAL_AUC),
            t.seconds());
      }
    }
    line(best);
  }

  /** xgboost 1.7's CLI: hist trees, depth 6, η 0.1, 300 rounds. */
  private void xgboost(Data d) throws Exception {
    if (!Proc.installed("xgboost")) {
      line("| " + d.name() + " | | xgboost: not installed (`apt-get install -y xgboost`) | | | |");
      return;
    }
    Path conf = work.resolve("xgboost.conf");
    Path model = work.resolve("xgboost.model");
    Path pred = work.resolve("xgboost.predictions");
    String common = String.join("\n", "booster = gbtree", "objective = binary:logistic", "tree_method = hist",
        "eta = 0.1", "max_depth = 6", "num_round = 300", "nthread = 2", "");
    Files.writeString(conf, common + "data = \"" + d.trainFile() + "?format=libsvm\"\nmodel_out = \"" + model + "\"\n");
    Proc.Result t = Proc.run(List.of("xgboost", conf.toString()), work, 3600, null);
    if (t.exit() != 0) {
      throw new IOException("xgboost failed: " + t.output().strip());
    }
    Files.writeString(conf, common + "task = pred\nmodel_in = \"" + model + "\"\ntest:data = \"" + d.testFile()
        + "?format=libsvm\"\nname_pred = \"" + pred + "\"\n");
    Proc.Result p = Proc.run(List.of("xgboost", conf.toString()), work, 3600, null);
    if (p.exit() != 0) {
      throw new IOException("xgboost prediction failed: " + p.output().strip());
    }
    List<String> lines = Files.readAllLines(pred);
    float[] scores = new float[lines.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = Float.parseFloat(lines.get(i).trim());
    }
    Map<String, Double> m = score(scores, d.test());
    row(d, "xgboost 1.7 (hist, depth 6, η 0.1, 300 rounds)", m.get(Evaluation.VAL_LOGLOSS), m.get(Evaluation.VAL_AUC),
        t.seconds());
  }

  private static Map<String, Double> score(float[] p, MemoryDataset test) {
    CsrBlock b = test.shard(0);
    if (p.length != b.rows) {
      throw new IllegalStateException("a peer scored " + p.length + " rows of " + b.rows);
    }
    MetricsAccumulator acc = new MetricsAccumulator(1, false);
    acc.add(p, b.labels, b.rows);
    return new LinkedHashMap<>(acc.result());
  }

  private void line(String s) {
    report.add(s);
    System.out.println(s);
  }
}
