package trainyard.engine.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import trainyard.engine.data.Format;
import trainyard.engine.data.IngestException;
import trainyard.engine.data.Parsers;
import trainyard.engine.metrics.MetricsAccumulator;
import trainyard.engine.model.Model;

/**
 * {@code predict}: streams a file through a saved model, one line of predictions per row (a
 * probability, or a model's class probabilities separated by spaces). When every row has a label,
 * the metrics go to the log stream, as liblinear-predict reports accuracy. Output to a file is
 * written to a temporary sibling and renamed, so a bad line leaves no partial file. Stateless.
 */
public final class LocalPredict {
  static final Set<String> OPTIONS = Set.of("model", "data", "out", "format");
  private static final int BLOCK_ROWS = 65_536;

  private LocalPredict() {}

  /** Predictions (row-major, {@code outputs} per row) and labels of every row read. */
  public record Predictions(float[] values, int outputs, float[] labels, int rows, boolean labelled) {}

  static void run(Options o, PrintStream out, PrintStream log) throws IOException {
    Path modelFile = Path.of(o.required("model"));
    Path data = Path.of(o.required("data"));
    Path outFile = o.path("out");
    Format format = LocalFiles.format(o.get("format"), data);
    Model model = Model.load(modelFile);
    Predictions p;
    if (outFile == null) {
      OutputStream sink = new BufferedOutputStream(out, 1 << 16);
      p = predict(model, data, format, sink);
      sink.flush();
    } else {
      Path dir = outFile.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + outFile.getFileName(), ".tmp");
      try {
        try (OutputStream sink = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
          p = predict(model, data, format, sink);
        }
        Files.move(tmp, outFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    StringBuilder line = new StringBuilder(p.rows() + " rows");
    if (p.labelled()) {
      for (Map.Entry<String, Double> m : metrics(model, p).entrySet()) {
        line.append(String.format(Locale.ROOT, ", %s %.6g", m.getKey(), m.getValue()));
      }
    }
    log.println(line);
  }

  /** Predicts every row of {@code data}, writing a line per row to {@code sink} (if not null). */
  public static Predictions predict(Model model, Path data, Format format, OutputStream sink) throws IOException {
    int outputs = model.outputs();
    float[][] acc = {new float[1 << 16], new float[1 << 16]};
    int[] n = {0};
    StringBuilder text = new StringBuilder();
    Parsers.Summary summary;
    try (InputStream in = Files.newInputStream(data)) {
      summary = Parsers.forEachBlock(in, format, model.info().hashBits(), BLOCK_ROWS, block -> {
        float[] p = model.predict(block);
        if (sink != null) {
          write(p, outputs, block.rows, text, sink);
        }
        int need = n[0] + block.rows;
        if (need * outputs > acc[0].length || need > acc[1].length) {
          acc[0] = Arrays.copyOf(acc[0], Math.max(need * outputs, acc[0].length * 2));
          acc[1] = Arrays.copyOf(acc[1], Math.max(need, acc[1].length * 2));
        }
        System.arraycopy(p, 0, acc[0], n[0] * outputs, block.rows * outputs);
        System.arraycopy(block.labels, 0, acc[1], n[0], block.rows);
        n[0] = need;
      });
    } catch (IngestException e) {
      throw new UsageException(data + ": " + e.getMessage());
    }
    return new Predictions(acc[0], outputs, acc[1], n[0], summary.unlabelledRows() == 0);
  }

  private static void write(float[] p, int outputs, int rows, StringBuilder text, OutputStream sink) throws IOException {
    text.setLength(0);
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < outputs; k++) {
        if (k > 0) {
          text.append(' ');
        }
        text.append(p[r * outputs + k]);
      }
      text.append('\n');
    }
    sink.write(text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Validation metrics of the predictions, as training reports them (the model's own accumulator). */
  public static Map<String, Double> metrics(Model model, Predictions p) {
    MetricsAccumulator m = model.newMetrics();
    m.add(p.values(), p.labels(), p.rows());
    return m.result();
  }
}
