package trainyard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.Trainer;
import trainyard.scheduler.study.Asha;
import trainyard.scheduler.study.Decision;
import trainyard.scheduler.study.GridSearch;
import trainyard.scheduler.study.Objective;
import trainyard.scheduler.study.Parameter;
import trainyard.scheduler.study.RandomSearch;
import trainyard.scheduler.study.Search;
import trainyard.scheduler.study.SearchSpace;
import trainyard.scheduler.study.Trial;
import trainyard.spec.JobSpec;

/**
 * Issue 12's study comparison: a 16-trial ASHA study, a 16-trial random search and the full grid
 * on one space, each trial a real training run of the engine on CTR data, decided by the same
 * search library the api's driver uses. Trials run one at a time (maxParallel 1) in this process,
 * so a trial's executor-seconds are its wall seconds; ASHA stops a trial at its rung through the
 * trainer's cancel check, as the driver's cancel does on an executor.
 *
 * <p>{@code StudyBench [--rows N] [--validation-rows N] [--epochs R]}
 */
public final class StudyBench {
  private static final Objective LOGLOSS = new Objective("val_logloss", false);

  private final MemoryDataset train;
  private final MemoryDataset validation;
  private final int epochs;

  private StudyBench(long rows, int validationRows, int epochs) {
    CtrGenerator gen = new CtrGenerator(2);
    this.train = MemoryDataset.of(gen.block(0, (int) rows));
    this.validation = MemoryDataset.of(gen.block(rows, validationRows));
    this.epochs = epochs;
  }

  record Outcome(String method, int trials, int stopped, double best, String bestParams, double executorSeconds) {}

  public static void main(String[] args) throws Exception {
    long rows = 200_000;
    int validationRows = 50_000;
    int epochs = 9;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--validation-rows" -> validationRows = Integer.parseInt(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    SearchSpace space = new SearchSpace(List.of(
        new Parameter.Range("params.learningRate", 0.003, 1, true, false, 4),
        new Parameter.Range("params.l2", 1e-7, 1e-3, true, false, 4),
        new Parameter.Choice("algorithm", List.of("linear", "fm"))));
    StudyBench bench = new StudyBench(rows, validationRows, epochs);
    bench.run("warm-up (not reported: the JIT compiles the engine)", new RandomSearch(space, 99, 4));
    List<Outcome> outcomes = new ArrayList<>();
    outcomes.add(bench.run("asha (eta 3, rungs 1, 3)", new Asha(space, 7, 16, LOGLOSS, 1, 3, epochs)));
    outcomes.add(bench.run("random", new RandomSearch(space, 7, 16)));
    outcomes.add(bench.run("grid", new GridSearch(space)));
    System.out.printf(Locale.ROOT, "%n- data: CtrGenerator(seed 2), %d training rows, %d validation rows; %d epochs a "
        + "trial; space: learningRate log [0.003, 1] (4), l2 log [1e-7, 1e-3] (4), algorithm {linear, fm}; "
        + "%d cores%n%n", rows, validationRows, epochs, Runtime.getRuntime().availableProcessors());
    System.out.println("| method | trials | stopped early | best val_logloss | best trial | executor-seconds |");
    System.out.println("|---|---|---|---|---|---|");
    for (Outcome o : outcomes) {
      System.out.printf(Locale.ROOT, "| %s | %d | %d | %.5f | %s | %.1f |%n", o.method(), o.trials(), o.stopped(),
          o.best(), o.bestParams(), o.executorSeconds());
    }
  }

  private Outcome run(String label, Search search) throws Exception {
    List<Trial> trials = new ArrayList<>();
    double seconds = 0;
    int stopped = 0;
    for (int i = 0; i < search.trials(); i++) {
      Map<String, Object> params = search.paramsOf(i);
      TreeMap<Integer, Double> values = new TreeMap<>();
      int[] rungs = {0};
      AtomicBoolean stop = new AtomicBoolean();
      int index = i;
      TrainListener listener = new TrainListener() {
        @Override
        public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
          values.put(epoch, metrics.get(LOGLOSS.metric()));
          List<Trial> now = new ArrayList<>(trials);
          now.add(new Trial(index, params, Trial.Status.RUNNING, values, rungs[0]));
          Decision d = search.next(now, 1);
          rungs[0] = d.promoted().getOrDefault(index, rungs[0]);
          stop.set(d.stop().contains(index));
        }
      };
      long t0 = System.nanoTime();
      Trainer.train(new TrainRequest(spec(params), train, validation, null), listener, stop::get);
      double s = (System.nanoTime() - t0) / 1e9;
      seconds += s;
      stopped += stop.get() ? 1 : 0;
      trials.add(new Trial(i, params, stop.get() ? Trial.Status.STOPPED : Trial.Status.SUCCEEDED, values, rungs[0]));
      System.err.printf(Locale.ROOT, "%s trial %d %s: %s epochs, val_logloss %.5f, %.1f s%n", label, i, params,
          values.lastKey(), values.get(values.lastKey()), s);
    }
    Trial best = LOGLOSS.best(trials).orElseThrow();
    return new Outcome(label, trials.size(), stopped, best.last(), best.params().toString(), seconds);
  }

  private JobSpec spec(Map<String, Object> params) {
    return JobSpec.parse(String.format(Locale.ROOT, "{\"name\": \"study-bench\", \"algorithm\": \"%s\", "
        + "\"dataset\": \"bench\", \"params\": {\"learningRate\": %s, \"l2\": %s, \"epochs\": %d, "
        + "\"optimizer\": \"adagrad\", \"batchSize\": 1000}, \"resources\": {\"workers\": 1, \"servers\": 1}}",
        params.get("algorithm"), params.get("params.learningRate"), params.get("params.l2"), epochs));
  }
}
