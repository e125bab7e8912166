import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import trainyard.engine.data.synth.CtrGenerator;

/**
 * Writes the benchmark's libsvm files exactly as bench's EngineBench does: CtrGenerator(seed 1),
 * training rows 0..ROWS-1, test rows ROWS..ROWS+TEST_ROWS-1. A file that exists is kept.
 * Run as a source file: java -cp bench/target/trainyard-bench.jar bench/spark/GenCtr.java ROWS TEST_ROWS DIR
 */
public final class GenCtr {
  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(args[0]);
    long testRows = Long.parseLong(args[1]);
    Path dir = Path.of(args[2]);
    Files.createDirectories(dir);
    CtrGenerator gen = new CtrGenerator(1);
    write(gen, dir.resolve("ctr-train.libsvm"), 0, rows);
    write(gen, dir.resolve("ctr-test.libsvm"), rows, testRows);
  }

  private static void write(CtrGenerator gen, Path file, long first, long n) throws Exception {
    if (Files.exists(file)) {
      return;
    }
    // written beside and moved, so an interrupted run leaves no half file behind
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
      gen.writeLibsvm(out, first, n);
    }
    Files.move(tmp, file);
  }
}
