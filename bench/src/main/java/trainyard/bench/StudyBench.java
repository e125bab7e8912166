package trainyard.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.scheduler.study.Asha;
import trainyard.scheduler.study.GridSearch;
import trainyard.scheduler.study.Objective;
import trainyard.scheduler.study.Parameter;
import trainyard.scheduler.study.RandomSearch;
import trainyard.scheduler.study.Search;
import trainyard.scheduler.study.SearchSpace;
import trainyard.spec.JobSpec;

/**
 * Issue 12's study comparison: 16-trial ASHA studies (one per η / first-rung setting asked for)
 * and a 16-trial random search, each over several seeds, against the full grid on one space, on
 * CTR data ({@link StudyRun}: real training runs, executor CPU-seconds).
 *
 * <p>{@code StudyBench [--data-seed S] [--rows N] [--validation-rows N] [--epochs R] [--trials N]
 * [--seeds 1,2,3] [--asha 3/1,3/2,2/2] [--random false]} ({@code η/minEpochs} per ASHA setting; {@code --data-seed}:
 * the CtrGenerator's seed, 2 unless given, to check a setting on data it was not chosen on; {@code --random
 * false} leaves out the random searches, whose trials and results the same seeds repeat exactly, to save
 * their time). The grid runs first and again last, and a study's CPU-seconds are compared with the mean of the
 * two: other work on a shared machine makes a CPU-second dearer or cheaper by a third in a few minutes, and a grid
 * measured only at the start of a quarter hour's studies moved every ratio one way.
 */
public final class StudyBench {
  private static final Objective LOGLOSS = new Objective("val_logloss", false);
  private static final SearchSpace SPACE = new SearchSpace(List.of(
      new Parameter.Range("params.learningRate", 0.003, 1, true, false, 4),
      new Parameter.Range("params.l2", 1e-7, 1e-3, true, false, 4),
      new Parameter.Choice("algorithm", List.of("linear", "fm"))));

  private final MemoryDataset train;
  private final MemoryDataset validation;
  private final int epochs;

  private StudyBench(long dataSeed, long rows, int validationRows, int epochs) {
    CtrGenerator gen = new CtrGenerator(dataSeed);
    this.train = MemoryDataset.of(gen.block(0, (int) rows));
    this.validation = MemoryDataset.of(gen.block(rows, validationRows));
    this.epochs = epochs;
  }

  public static void main(String[] args) throws Exception {
    long dataSeed = 2;
    long rows = 100_000;
    int validationRows = 25_000;
    int epochs = 9;
    int trials = 16;
    List<Long> seeds = List.of(1L, 2L, 3L, 4L, 5L);
    List<String> ashas = List.of("3/1", "3/2", "2/2");
    boolean random = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data-seed" -> dataSeed = Long.parseLong(args[++i]);
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--validation-rows" -> validationRows = Integer.parseInt(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--trials" -> trials = Integer.parseInt(args[++i]);
        case "--seeds" -> seeds = List.of(args[++i].split(",")).stream().map(Long::valueOf).toList();
        case "--asha" -> ashas = List.of(args[++i].split(","));
        case "--random" -> random = Boolean.parseBoolean(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    StudyBench bench = new StudyBench(dataSeed, rows, validationRows, epochs);
    bench.run("warm-up (not reported: the JIT compiles the engine)", new RandomSearch(SPACE, 99, 4));
    StudyRun.Outcome grid = bench.run("grid", new GridSearch(SPACE));
    Map<String, List<StudyRun.Outcome>> methods = new LinkedHashMap<>();
    for (long seed : seeds) {
      for (String a : ashas) {
        String[] f = a.split("/");
        Asha asha = new Asha(SPACE, seed, trials, LOGLOSS, Integer.parseInt(f[1]), Integer.parseInt(f[0]), epochs);
        methods.computeIfAbsent("ASHA η " + f[0] + ", rungs " + asha.rungs(), k -> new ArrayList<>())
            .add(bench.run("asha " + a + " seed " + seed, asha));
      }
      if (random) {
        methods.computeIfAbsent("random", k -> new ArrayList<>())
            .add(bench.run("random seed " + seed, new RandomSearch(SPACE, seed, trials)));
      }
    }
    StudyRun.Outcome gridAgain = bench.run("grid again", new GridSearch(SPACE));
    double gridBest = grid.best().last();
    double gridCpu = (grid.cpuSeconds() + gridAgain.cpuSeconds()) / 2;
    System.out.printf(Locale.ROOT, "%n- data: CtrGenerator(seed %d), %d training rows, %d validation rows; %d epochs a "
        + "trial; space: learningRate log [0.003, 1] (4), l2 log [1e-7, 1e-3] (4), algorithm {linear, fm}; %d trials "
        + "a study, seeds %s; %d cores%n%n", dataSeed, rows, validationRows, epochs, trials, seeds,
        Runtime.getRuntime().availableProcessors());
    System.out.println("| method | seed | stopped early | best val_logloss | vs grid | best trial | executor CPU-s | "
        + "vs grid |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    row("grid (" + grid.trials() + " trials), first", "–", grid, gridBest, gridCpu);
    row("grid, last", "–", gridAgain, gridBest, gridCpu);
    for (Map.Entry<String, List<StudyRun.Outcome>> m : methods.entrySet()) {
      for (int s = 0; s < m.getValue().size(); s++) {
        row(m.getKey(), seeds.get(s).toString(), m.getValue().get(s), gridBest, gridCpu);
      }
    }
    System.out.println();
    System.out.println("| method | seeds within 0.2% of the grid's best | with at most 1/3 of its CPU-s too "
        + "| median best vs grid | worst | mean CPU-s vs grid |");
    System.out.println("|---|---|---|---|---|---|");
    methods.forEach((method, outcomes) -> {
      List<Double> gaps = outcomes.stream().map(o -> o.best().last() / gridBest - 1).sorted().toList();
      double cpu = outcomes.stream().mapToDouble(StudyRun.Outcome::cpuSeconds).average().orElseThrow();
      long both = outcomes.stream()
          .filter(o -> o.best().last() / gridBest - 1 <= 0.002 && o.cpuSeconds() <= gridCpu / 3).count();
      System.out.printf(Locale.ROOT, "| %s | %d of %d | %d | %+.2f%% | %+.2f%% | %.2f |%n", method,
          gaps.stream().filter(g -> g <= 0.002).count(), gaps.size(), both, 100 * gaps.get(gaps.size() / 2),
          100 * gaps.get(gaps.size() - 1), cpu / gridCpu);
    });
  }

  private static void row(String method, String seed, StudyRun.Outcome o, double gridBest, double gridCpu) {
    System.out.printf(Locale.ROOT, "| %s | %s | %d of %d | %.5f | %+.2f%% | %s | %.1f | %.2f |%n", method, seed,
        o.stopped(), o.trials(), o.best().last(), 100 * (o.best().last() / gridBest - 1),
        StudyRun.describe(o.best().params()), o.cpuSeconds(), o.cpuSeconds() / gridCpu);
  }

  private StudyRun.Outcome run(String label, Search search) throws Exception {
    return StudyRun.run(label, search, LOGLOSS, this::spec, train, validation);
  }

  private JobSpec spec(Map<String, Object> params) {
    return JobSpec.parse(String.format(Locale.ROOT, "{\"name\": \"study-bench\", \"algorithm\": \"%s\", "
        + "\"dataset\": \"bench\", \"params\": {\"learningRate\": %s, \"l2\": %s, \"epochs\": %d, "
        + "\"optimizer\": \"adagrad\", \"batchSize\": 1000}, \"resources\": {\"workers\": 1, \"servers\": 1}}",
        params.get("algorithm"), params.get("params.learningRate"), params.get("params.l2"), epochs));
  }
}
