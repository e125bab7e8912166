package trainyard.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestOptions;
import trainyard.engine.io.FileTrees;

/**
 * The engine's ingestion of one file, with no HTTP in front of it, as the platform benchmark's
 * peer line: {@code FileIngestBench FILE FORMAT ROUNDS WORKDIR}. One untimed round first (the JIT),
 * then ROUNDS timed ones, each printed as {@code round N: S s wall, C CPU-s} (the process's CPU,
 * all threads). Each round's shards are deleted after it.
 */
public final class FileIngestBench {
  private FileIngestBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: FileIngestBench FILE libsvm|libffm|csv ROUNDS WORKDIR");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    Format format;
    int rounds;
    try {
      format = Format.parse(args[1]);
      rounds = Integer.parseInt(args[2]);
    } catch (IllegalArgumentException e) {
      System.err.println("FileIngestBench: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path work = Path.of(args[3]);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 0; round <= rounds; round++) {
      Path dir = work.resolve("file-ingest-" + round);
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      DatasetStats stats;
      try (InputStream in = Files.newInputStream(file)) {
        stats = Ingest.ingest(in, format, dir, IngestOptions.defaults());
      } finally {
        FileTrees.deleteRecursively(dir);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      if (round > 0) {
        System.out.printf(Locale.ROOT, "round %d: %.3f s wall, %.2f CPU-s, %d rows%n", round, wall, cpu, stats.rows());
      }
    }
  }
}
