package trainyard.engine.train;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import trainyard.engine.data.ShardedDataset;
import trainyard.spec.JobSpec;

/**
 * Trains logistic regression on an ingested dataset and prints its metrics and memory: the body of
 * {@link BoundedMemoryTest}'s forked JVM (the full-size runs are bench/run-streaming-bench.sh's,
 * through StreamingBench, which the bench module cannot share with engine tests).
 *
 * <p>Usage: {@code BoundedTrainMain DATASET_DIR [workers] [epochs]}. Prints {@code metrics=...},
 * {@code peakHeapAfterGc=} (the most heap any collection left live), {@code peakHeap=} (the sum
 * of the heap pools' peaks), {@code vmHwm=} (peak RSS, kB) and {@code estimate=} (MemoryEstimate).
 */
public final class BoundedTrainMain {
  private BoundedTrainMain() {}

  public static void main(String[] args) throws Exception {
    ShardedDataset data = ShardedDataset.open(Path.of(args[0]));
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    JobSpec spec = new JobSpec("bounded", "linear", "ds_bounded", new JobSpec.Validation(null, 0.1),
        new JobSpec.Params("logistic", "ftrl", 0.05, 0.5, 0, 8, epochs, 1000, new int[0], 0, 0, 7),
        new JobSpec.Resources(workers, 2, 0), new JobSpec.Consistency(4), new JobSpec.Stopping(3600), 0);
    long t0 = System.nanoTime();
    Map<String, Double> m = Trainer.train(new TrainRequest(spec, data, null, null), new TrainListener() {
      @Override
      public void onLog(String line) {
        System.out.println(line);
      }
    }, () -> false).finalMetrics();
    double seconds = (System.nanoTime() - t0) / 1e9;
    long peak = 0;
    long afterGc = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
        if (pool.getCollectionUsage() != null) {
          afterGc += pool.getCollectionUsage().getUsed();
        }
      }
    }
    String hwm = "?";
    Path status = Path.of("/proc/self/status");
    if (Files.exists(status)) {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          hwm = line.replaceAll("\\D", "");
        }
      }
    }
    System.out.println("metrics=" + m);
    System.out.printf("seconds=%.1f peakHeap=%d lastHeapAfterGc=%d vmHwmKb=%s maxHeap=%d estimate=%d%n", seconds, peak,
        afterGc, hwm, Runtime.getRuntime().maxMemory(),
        MemoryEstimate.heapBytesPerMember(spec, data.stats(), 1, 0));
  }
}
