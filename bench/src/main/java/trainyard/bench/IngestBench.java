package trainyard.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestOptions;
import trainyard.engine.data.ParseOnly;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.io.FileTrees;

/**
 * Parsing and ingestion throughput on CTR data from {@link CtrGenerator}:
 * {@code IngestBench [rows] [workDir]}. Writes libsvm, libffm and gzipped libsvm files, then times
 * parse-only and full ingest (parse, shards, CRC32C, distinct count, syncs) of each, best of 3.
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws IOException {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("ingest-bench");
    Files.createDirectories(work);
    CtrGenerator gen = new CtrGenerator(1);
    Path svm = work.resolve("ctr.libsvm");
    Path ffm = work.resolve("ctr.libffm");
    Path gz = work.resolve("ctr.libsvm.gz");
    if (!Files.exists(svm)) {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(svm), 1 << 20)) {
        gen.writeLibsvm(out, 0, rows);
      }
    }
    if (!Files.exists(ffm)) {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(ffm), 1 << 20)) {
        gen.writeLibffm(out, 0, rows);
      }
    }
    if (!Files.exists(gz)) {
      try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(gz), 1 << 20), 1 << 16)) {
        Files.copy(svm, out);
      }
    }
    System.out.printf(Locale.ROOT, "rows %d, libsvm %.1f MB, libffm %.1f MB, libsvm.gz %.1f MB, %d cores, %s%n", rows,
        mb(Files.size(svm)), mb(Files.size(ffm)), mb(Files.size(gz)), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    parseOnly(svm, Format.LIBSVM, Files.size(svm), 1);
    parseOnly(svm, Format.LIBSVM, Files.size(svm), threads);
    parseOnly(ffm, Format.LIBFFM, Files.size(ffm), 1);
    parseOnly(ffm, Format.LIBFFM, Files.size(ffm), threads);
    ingest(svm, Format.LIBSVM, work, Files.size(svm), Files.size(svm));
    ingest(ffm, Format.LIBFFM, work, Files.size(ffm), Files.size(ffm));
    ingest(gz, Format.LIBSVM, work, Files.size(gz), Files.size(svm));
  }

  private static void parseOnly(Path file, Format format, long bytes, int threads) throws IOException {
    double best = Double.MAX_VALUE;
    long rows = 0;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      try (InputStream in = Files.newInputStream(file)) {
        rows = ParseOnly.parse(in, format, threads);
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    System.out.printf(Locale.ROOT, "parse only   %-7s %d thread(s) %8.1f MB/s  %6.2f M rows/s  (%d rows, %.2f s)%n",
        format.id(), threads, mb(bytes) / best, rows / best / 1e6, rows, best);
  }

  private static void ingest(Path file, Format format, Path work, long fileBytes, long textBytes) throws IOException {
    double best = Double.MAX_VALUE;
    DatasetStats stats = null;
    for (int i = 0; i < 3; i++) {
      Path dir = work.resolve("ds-" + file.getFileName() + "-" + i);
      FileTrees.deleteRecursively(dir);
      long t0 = System.nanoTime();
      try (InputStream in = Files.newInputStream(file)) {
        stats = Ingest.ingest(in, format, dir, IngestOptions.defaults());
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      FileTrees.deleteRecursively(dir);
    }
    System.out.printf(Locale.ROOT, "ingest       %-7s %8.1f MB/s of text (%.1f MB/s of file %s)  %6.2f M rows/s  "
            + "(%.2f s; %d features, %d shards, %.1f MB of shards)%n", format.id(), mb(textBytes) / best,
        mb(fileBytes) / best, file.getFileName(), stats.rows() / best / 1e6, best, stats.features(), stats.shards(),
        mb(stats.bytes()));
  }

  private static double mb(long bytes) {
    return bytes / 1e6;
  }
}
