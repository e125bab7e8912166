package trainyard.bench;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestOptions;
import trainyard.engine.data.ShardedDataset;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.train.MemoryEstimate;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.Trainer;
import trainyard.spec.JobSpec;

/**
 * Training from streamed shards in a small heap: {@code ingest ROWS DIR [ctr|flat]} writes
 * CtrGenerator(1) rows (39 entries each, ids in 2^22, Zipf 1.1), or with {@code flat} a second
 * shape to check speed claims on (seed 2, ids in 2^24, Zipf 1.05: more distinct keys, less
 * skew), as a dataset of 65,536-row shards, with no text file in between; {@code train DIR [workers] [epochs]} trains LR on it (10% held out for validation) and
 * prints the metrics, the peak RSS (VmHWM) and {@link MemoryEstimate}'s heap for the job. Run the
 * second in its own JVM with the heap to test, e.g. {@code -Xmx768m}: see bench/run-streaming-bench.sh.
 */
public final class StreamingBench {
  private StreamingBench() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("ingest")) {
      long rows = Long.parseLong(args[1]);
      String shape = args.length > 3 ? args[3] : "ctr";
      CtrGenerator generator = switch (shape) {
        case "ctr" -> new CtrGenerator(1);
        case "flat" -> new CtrGenerator(2, 24, 1.05, -1.5, 0.28, 0.235);
        default -> throw new IllegalArgumentException("shape must be ctr or flat, got " + shape);
      };
      PipedInputStream in = new PipedInputStream(1 << 20);
      PipedOutputStream out = new PipedOutputStream(in);
      Thread writer = new Thread(() -> {
        try (out) {
          generator.writeLibsvm(out, 0, rows);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      writer.start();
      long t0 = System.nanoTime();
      DatasetStats stats = Ingest.ingest(in, Format.LIBSVM, Path.of(args[2]), IngestOptions.defaults());
      writer.join();
      System.out.printf("ingested %d rows, %d entries, %d features in %d shards (%d MB) in %.1f s%n", stats.rows(),
          stats.nonZeros(), stats.features(), stats.shards(), stats.bytes() >> 20, (System.nanoTime() - t0) / 1e9);
      return;
    }
    ShardedDataset data = ShardedDataset.open(Path.of(args[1]));
    int workers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    JobSpec spec = new JobSpec("streaming", "linear", "ds_streaming", new JobSpec.Validation(null, 0.1),
        new JobSpec.Params("logistic", "ftrl", 0.05, 0.5, 0, 8, epochs, 1000, new int[0], 0, 0, 7),
        new JobSpec.Resources(workers, 2, 0), new JobSpec.Consistency(4), new JobSpec.Stopping(36_000), 0);
    long t0 = System.nanoTime();
    Map<String, Double> m = Trainer.train(new TrainRequest(spec, data, null, null), new TrainListener() {
      @Override
      public void onLog(String line) {
        System.out.println(line);
      }
    }, () -> false).finalMetrics();
    double seconds = (System.nanoTime() - t0) / 1e9;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    String hwm = "?";
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        hwm = line.replaceAll("\\D", "");
      }
    }
    System.out.println("metrics=" + m);
    System.out.printf("rows=%d train=%.1f s maxHeap=%d MiB heapPoolPeaks=%d MiB vmHwm=%d MiB estimate(heap)=%d MiB "
            + "estimate(member)=%d MiB%n", data.stats().rows(), seconds, Runtime.getRuntime().maxMemory() >> 20, peak >> 20,
        Long.parseLong(hwm) >> 10, MemoryEstimate.heapBytesPerMember(spec, data.stats(), 1, 0) >> 20,
        MemoryEstimate.bytesPerMember(spec, data.stats(), 1) >> 20);
  }
}
