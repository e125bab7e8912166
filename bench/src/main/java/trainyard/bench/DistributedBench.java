package trainyard.bench;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import trainyard.engine.data.ShardedDataset;
import trainyard.engine.ps.DataPort;
import trainyard.engine.ps.Keys;
import trainyard.engine.train.Cluster;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.TrainResult;
import trainyard.engine.train.Trainer;
import trainyard.spec.JobSpec;

/**
 * One process of a training job spread over P processes on loopback ({@link Trainer#run(TrainRequest,
 * Cluster, TrainListener, java.util.function.BooleanSupplier)}), or the same job in one process
 * without a cluster ({@code --local}), for bench/run-distributed-bench.sh. Prints one line that
 * starts with {@code RESULT} and holds {@code key=value} pairs: every rank its own examples, the
 * bytes its data port sent and received, its CPU seconds; rank 0 the job's examples/s per epoch
 * (the coordinator's {@code examples_per_sec}: training segments only, without the epoch-end
 * checkpoint, export and validation) and the last epoch's validation AUC and logloss.
 *
 * <pre>
 * java -cp trainyard-bench.jar trainyard.bench.DistributedBench --data DIR --ckpt DIR --model lr|fm
 *     [--workers 2] [--servers 2] [--tau 4] [--epochs 3] [--batch 500] [--rows-fraction 0.1] [--label X]
 *     [--warmup-jobs 0]
 *     (--local | --rank R --ports P0,P1,... --job ID)
 * </pre>
 *
 * With {@code --ports} of length P, rank r binds its data port on 127.0.0.1:Pr and runs the
 * workers and server shards {@link JobSpec.Resources} gives executor r of P (an even split). Only
 * loopback addresses. Hyperparameters are those of bench/specs/lr.json and fm.json (batch 500,
 * AdaGrad 0.02; FM dim 8, threshold 50), the batch size settable; 10% of the rows are held out for
 * validation.
 *
 * <p>{@code --warmup-jobs J} first runs J jobs of one epoch each in the same process (and data
 * port), as an executor that has run jobs before: the measured job then meets compiled code, and
 * its CPU figures count only its own work.
 */
public final class DistributedBench {
  private DistributedBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    Path data = Path.of(required(a, "data"));
    Path ckpt = Path.of(required(a, "ckpt"));
    String model = required(a, "model");
    int workers = Integer.parseInt(a.getOrDefault("workers", "2"));
    int servers = Integer.parseInt(a.getOrDefault("servers", "2"));
    int tau = Integer.parseInt(a.getOrDefault("tau", "4"));
    int epochs = Integer.parseInt(a.getOrDefault("epochs", "3"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "500"));
    double fraction = Double.parseDouble(a.getOrDefault("validation", "0.1"));
    boolean local = a.containsKey("local");
    int[] ports = local ? new int[0] : Arrays.stream(required(a, "ports").split(",")).mapToInt(Integer::parseInt)
        .toArray();
    int procs = local ? 1 : ports.length;
    int rank = local ? 0 : Integer.parseInt(required(a, "rank"));
    String label = a.getOrDefault("label", model);

    if (!model.equals("fm") && !model.equals("lr")) {
      throw new IllegalArgumentException("--model must be lr or fm, got " + model);
    }
    int warmupJobs = Integer.parseInt(a.getOrDefault("warmup-jobs", "0"));
    ShardedDataset dataset = ShardedDataset.open(data);
    JobSpec spec = spec(model, workers, servers, procs, tau, epochs, batch, fraction);
    String job = local ? null : required(a, "job");

    List<Double> speeds = new ArrayList<>();
    List<Double> waits = new ArrayList<>();
    Map<String, Double> last = new LinkedHashMap<>();
    AtomicLong sent = new AtomicLong();
    AtomicLong received = new AtomicLong();
    TrainListener listener = new TrainListener() {
      @Override
      public void onEpoch(int epoch, long step, Map<String, Double> metrics) {
        speeds.add(metrics.get("examples_per_sec"));
        waits.add(metrics.getOrDefault("barrier_wait", 0.0));
        last.clear();
        last.putAll(metrics);
        System.err.printf(Locale.ROOT, "[%s rank %d] epoch %d: %s%n", label, rank, epoch, metrics);
      }

      @Override
      public void onLog(String line) {
        System.err.printf("[%s rank %d] %s%n", label, rank, line);
      }

      @Override
      public void onMember(double examplesPerSec, long bytesSent, long bytesReceived) {
        // Cumulative; the last call comes with the member's last epoch.
        sent.set(bytesSent);
        received.set(bytesReceived);
      }
    };

    DataPort port = local ? null : DataPort.bind("127.0.0.1", ports[rank]);
    ThreadCpu threads;
    Map<String, Double> vmThreads;
    long cpu0;
    long t0;
    TrainResult result;
    try {
      // A long-lived executor has compiled its code paths in earlier jobs, and recompiled those whose
      // first compilation a job's start or end proved wrong: this process runs such jobs first, of one
      // epoch each, on the same data port and with the same listener, so the measured job meets the
      // JVM an executor in service has.
      JobSpec warm = spec(model, workers, servers, procs, tau, 1, batch, fraction);
      for (int j = 0; j < warmupJobs; j++) {
        train(warm, dataset, ckpt.resolve("warmup-" + j), local ? null : job + "-warmup-" + j, rank, ports, port,
            listener);
      }
      speeds.clear();
      threads = new ThreadCpu();
      vmThreads = VmThreadCpu.now();
      cpu0 = cpuNanos();
      t0 = System.nanoTime();
      result = train(spec, dataset, ckpt, job, rank, ports, port, listener);
    } finally {
      if (port != null) {
        port.close();
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (cpuNanos() - cpu0) / 1e9;
    Map<String, Double> byThread = threads.stop();

    // This process's workers' examples: TrainingData's shares (shard s to worker s mod W, held-out
    // rows skipped), times the epochs.
    JobSpec.Resources res = spec.resources();
    int firstWorker = local ? 0 : res.firstOf(workers, rank);
    int myWorkers = local ? workers : res.workersOf(rank);
    long examples = epochs * ownRows(dataset, workers, firstWorker, myWorkers, fraction, spec.params().seed());

    StringBuilder sb = new StringBuilder("RESULT");
    kv(sb, "label", label);
    kv(sb, "model", model);
    kv(sb, "procs", String.valueOf(procs));
    kv(sb, "mode", local ? "local" : "cluster");
    kv(sb, "rank", String.valueOf(rank));
    kv(sb, "workers", myWorkers + "/" + workers);
    kv(sb, "tau", String.valueOf(tau));
    kv(sb, "batch", String.valueOf(batch));
    kv(sb, "cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
    kv(sb, "examples", String.valueOf(examples));
    kv(sb, "sent", String.valueOf(sent.get()));
    kv(sb, "recv", String.valueOf(received.get()));
    kv(sb, "wire_bytes_per_example", fmt(examples == 0 ? 0 : (double) (sent.get() + received.get()) / examples));
    kv(sb, "wall_s", fmt(wall));
    kv(sb, "cpu_s", fmt(cpu));
    kv(sb, "cpu_us_per_example", fmt(examples == 0 ? 0 : cpu * 1e6 / examples));
    // CPU seconds by thread group; "other" is the rest of the process: GC, JIT, the VM.
    double java = 0;
    for (Map.Entry<String, Double> t : byThread.entrySet()) {
      kv(sb, "cpu_" + t.getKey(), fmt(t.getValue()));
      java += t.getValue();
    }
    kv(sb, "cpu_other", fmt(Math.max(0, cpu - java)));
    // Of that, the JIT's compiler threads and the VM thread (which runs the serial collector and
    // safepoints); the rest is threads that ended between samples and the other VM threads.
    Map<String, Double> vmNow = VmThreadCpu.now();
    for (String g : List.of("jit", "vm")) {
      kv(sb, "cpu_other_" + g, fmt(vmNow.getOrDefault(g, 0.0) - vmThreads.getOrDefault(g, 0.0)));
    }
    if (rank == 0) {
      StringBuilder e = new StringBuilder();
      double warm = 0;
      for (int i = 0; i < speeds.size(); i++) {
        e.append(i == 0 ? "" : ",").append(Math.round(speeds.get(i)));
        warm += i == 0 ? 0 : speeds.get(i);
      }
      // Epoch 1 holds each worker's one pass to build its key dictionary and the JIT's warm-up.
      warm = speeds.size() > 1 ? warm / (speeds.size() - 1) : speeds.isEmpty() ? 0 : speeds.get(0);
      kv(sb, "eps_by_epoch", e.toString());
      kv(sb, "eps", String.valueOf(Math.round(warm)));
      // The share of the members' training time spent waiting for the slowest at epoch ends, epochs 2..N.
      kv(sb, "barrier_wait", String.format(Locale.ROOT, "%.4f", waits.size() > 1
          ? waits.subList(1, waits.size()).stream().mapToDouble(Double::doubleValue).average().orElse(0) : 0));
      kv(sb, "val_auc", String.format(Locale.ROOT, "%.5f", result.finalMetrics().getOrDefault("val_auc", Double.NaN)));
      kv(sb, "val_logloss", String.format(Locale.ROOT, "%.5f",
          result.finalMetrics().getOrDefault("val_logloss", Double.NaN)));
      kv(sb, "train_loss", String.format(Locale.ROOT, "%.5f", last.getOrDefault("train_loss", Double.NaN)));
    }
    System.out.println(sb);
    System.out.flush();
    // Netty's and the engine's threads are daemons, but do not wait on anything left behind.
    System.exit(0);
  }

  /** The bench's job: bench/specs/lr.json's or fm.json's hyperparameters, {@code epochs} passes of minibatches of {@code batch}. */
  private static JobSpec spec(String model, int workers, int servers, int procs, int tau, int epochs, int batch,
      double fraction) {
    boolean fm = model.equals("fm");
    return new JobSpec("bench-dist-" + model, fm ? "fm" : "linear", "bench-ctr",
        new JobSpec.Validation(null, fraction),
        new JobSpec.Params("logistic", "adagrad", 0.02, 0, fm ? 0.01 : 0.0001, 8, epochs, batch, new int[0],
            fm ? 50 : 0, 0, 5),
        new JobSpec.Resources(workers, servers, 0, procs), new JobSpec.Consistency(tau),
        new JobSpec.Stopping(3600, 3600), 0);
  }

  /** Runs the job in this process alone ({@code job} null) or as member {@code rank} of a cluster on {@code ports}. */
  private static TrainResult train(JobSpec spec, ShardedDataset dataset, Path ckpt, String job, int rank, int[] ports,
      DataPort port, TrainListener listener) throws Exception {
    TrainRequest request = new TrainRequest(spec, dataset, null, ckpt);
    if (job == null) {
      return new Trainer(Clock.systemUTC()).run(request, listener, () -> false);
    }
    List<Cluster.Peer> peers = new ArrayList<>();
    JobSpec.Resources res = spec.resources();
    int workers = res.workers();
    int servers = res.servers();
    for (int r = 0; r < ports.length; r++) {
      peers.add(new Cluster.Peer(new InetSocketAddress("127.0.0.1", ports[r]), res.firstOf(workers, r),
          res.workersOf(r), res.firstOf(servers, r), res.serversOf(r)));
    }
    // A loaded 2-core machine can stall a process for seconds: generous timeouts.
    Cluster cluster = new Cluster(job, 1, rank, peers, port, Duration.ofSeconds(60), Duration.ofSeconds(120));
    return new Trainer(Clock.systemUTC()).run(request, cluster, listener, () -> false);
  }

  /** Training rows per epoch of workers [first, first + count) of {@code workers}, as TrainingData shares them. */
  private static long ownRows(ShardedDataset data, int workers, int first, int count, double fraction, long seed) {
    int shards = data.shardCount();
    long global = 0;
    long[] kept = new long[shards];
    for (int s = 0; s < shards; s++) {
      int rows = data.shardRows(s);
      long k = rows;
      if (fraction > 0) {
        for (int r = 0; r < rows; r++) {
          if (Keys.unit(global + r, seed) < fraction) {
            k--;
          }
        }
      }
      kept[s] = k;
      global += rows;
    }
    long n = 0;
    for (int w = first; w < first + count; w++) {
      if (shards >= workers) {
        for (int s = w; s < shards; s += workers) {
          n += kept[s];
        }
      } else {
        for (int s = 0; s < shards; s++) {
          n += kept[s] * (w + 1) / workers - kept[s] * w / workers;
        }
      }
    }
    return n;
  }

  /**
   * CPU seconds of this process's threads by group (workers, server shards, network, the member
   * and coordinator, data reading, main), sampled every 200 ms: a thread's last sample is its
   * total, short of at most 200 ms of its life.
   */
  private static final class ThreadCpu {
    private final java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> cpu = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Long, String> group = new java.util.concurrent.ConcurrentHashMap<>();
    /** What threads alive at the start (a warm-up job's network threads) had used before it. */
    private final Map<Long, Long> before = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    ThreadCpu() {
      for (long id : mx.getAllThreadIds()) {
        long ns = mx.getThreadCpuTime(id);
        if (ns >= 0) {
          before.put(id, ns);
        }
      }
      sampler = new Thread(() -> {
        while (running) {
          sample();
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-thread-cpu");
      sampler.setDaemon(true);
      sampler.start();
    }

    private void sample() {
      long self = Thread.currentThread().getId();
      for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
        if (t == null || t.getThreadId() == self) {
          continue;
        }
        long ns = mx.getThreadCpuTime(t.getThreadId());
        if (ns >= 0) {
          cpu.merge(t.getThreadId(), ns, Math::max);
          group.putIfAbsent(t.getThreadId(), group(t.getThreadName()));
        }
      }
    }

    private static String group(String name) {
      if (name.endsWith("-worker")) {
        return "workers";
      }
      if (name.contains("-server-")) {
        return "servers";
      }
      if (name.startsWith("trainyard-data-port")) {
        return "network";
      }
      if (name.startsWith("trainyard-data-")) {
        return "data_read";
      }
      if (name.contains("-member-") || name.equals("main")) {
        return "main_member";
      }
      return "java_other";
    }

    Map<String, Double> stop() {
      sample();
      running = false;
      sampler.interrupt();
      Map<String, Double> out = new java.util.TreeMap<>();
      for (Map.Entry<Long, Long> e : cpu.entrySet()) {
        out.merge(group.get(e.getKey()), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e9, Double::sum);
      }
      return out;
    }
  }

  /** CPU seconds of the JVM's own threads so far, from /proc (Linux): "jit" and "vm"; empty elsewhere. */
  private static final class VmThreadCpu {
    static Map<String, Double> now() {
      Map<String, Double> out = new java.util.TreeMap<>();
      try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
        for (Path t : (Iterable<Path>) tasks::iterator) {
          try {
            String name = java.nio.file.Files.readString(t.resolve("comm")).trim();
            String g = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "jit"
                : name.equals("VM Thread") || name.startsWith("GC Thread") ? "vm" : null;
            if (g != null) {
              String stat = java.nio.file.Files.readString(t.resolve("stat"));
              String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
              // utime and stime, fields 14 and 15 of stat, in clock ticks of 1/100 s
              out.merge(g, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
            }
          } catch (java.io.IOException | RuntimeException e) {
            // the thread ended meanwhile
          }
        }
      } catch (java.io.IOException e) {
        return out;
      }
      return out;
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String key = args[i].substring(2);
      if (key.equals("local")) {
        m.put(key, "true");
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + key + " needs a value");
        }
        m.put(key, args[++i]);
      }
    }
    return m;
  }

  private static String required(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }

  private static void kv(StringBuilder sb, String k, String v) {
    sb.append(' ').append(k).append('=').append(v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
