package trainyard.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.TrainResult;
import trainyard.engine.train.Trainer;
import trainyard.scheduler.study.Decision;
import trainyard.scheduler.study.Objective;
import trainyard.scheduler.study.Search;
import trainyard.scheduler.study.Trial;
import trainyard.spec.JobSpec;

/**
 * A study run in this process: each trial a real training run of the engine, decided by the same
 * {@code trainyard.scheduler.study} search the api's driver uses. Trials run one at a time
 * (maxParallel 1), so the process's CPU time during a trial is that trial's executor CPU-seconds,
 * which a loaded machine changes much less than wall time. An ASHA stop goes through the trainer's
 * cancel check, as the driver's cancel does on an executor.
 */
final class StudyRun {
  private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** The study's outcome: its best trial (succeeded, best final objective) with that trial's final metrics. */
  record Outcome(int trials, int stopped, Trial best, Map<String, Double> bestMetrics, double cpuSeconds,
      double wallSeconds) {}

  private StudyRun() {}

  static Outcome run(String label, Search search, Objective objective, Function<Map<String, Object>, JobSpec> spec,
      MemoryDataset train, MemoryDataset validation) throws Exception {
    List<Trial> trials = new ArrayList<>();
    Map<Integer, Map<String, Double>> metrics = new HashMap<>();
    double cpu = 0;
    double wall = 0;
    int stopped = 0;
    for (int i = 0; i < search.trials(); i++) {
      Map<String, Object> params = search.paramsOf(i);
      TreeMap<Integer, Double> values = new TreeMap<>();
      int[] rungs = {0};
      AtomicBoolean stop = new AtomicBoolean();
      int index = i;
      TrainListener listener = new TrainListener() {
        @Override
        public void onEpoch(int epoch, long step, Map<String, Double> m) {
          values.put(epoch, m.get(objective.metric()));
          List<Trial> now = new ArrayList<>(trials);
          now.add(new Trial(index, params, Trial.Status.RUNNING, values, rungs[0]));
          Decision d = search.next(now, 1);
          rungs[0] = d.promoted().getOrDefault(index, rungs[0]);
          stop.set(d.stop().contains(index));
        }
      };
      long c0 = OS.getProcessCpuTime();
      long t0 = System.nanoTime();
      TrainResult result = Trainer.train(new TrainRequest(spec.apply(params), train, validation, null), listener,
          stop::get);
      double c = (OS.getProcessCpuTime() - c0) / 1e9;
      cpu += c;
      wall += (System.nanoTime() - t0) / 1e9;
      stopped += stop.get() ? 1 : 0;
      metrics.put(i, result.finalMetrics());
      trials.add(new Trial(i, params, stop.get() ? Trial.Status.STOPPED : Trial.Status.SUCCEEDED, values, rungs[0]));
      System.err.printf(Locale.ROOT, "%s trial %d %s: %s epochs, %s %.5f, %.1f CPU-s%n", label, i, params,
          values.lastKey(), objective.metric(), values.get(values.lastKey()), c);
    }
    Trial best = objective.best(trials).orElseThrow();
    return new Outcome(trials.size(), stopped, best, metrics.get(best.index()), cpu, wall);
  }

  /** A trial's parameters by name, e.g. {@code linear, learningRate 0.0208, l2 4.64e-05}. */
  static String describe(Map<String, Object> params) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(params).forEach((k, v) -> parts.add(k.equals("algorithm") ? v.toString()
        : k.substring(k.lastIndexOf('.') + 1) + " " + (v instanceof Double d ? String.format(Locale.ROOT, "%.3g", d) : v)));
    return String.join(", ", parts);
  }
}
