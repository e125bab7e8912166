package trainyard.engine.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestException;
import trainyard.engine.data.IngestOptions;
import trainyard.spec.JobSpec;
import trainyard.spec.SpecException;

/** File handling shared by the local sub-commands: formats from names, specs, ingestion. Stateless. */
final class LocalFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private LocalFiles() {}

  /** {@code explicit} if given, else from the file name (.gz ignored): .ffm/.libffm, .csv, else libsvm. */
  static Format format(String explicit, Path file) {
    if (explicit != null) {
      return Format.parse(explicit);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    if (name.endsWith(".ffm") || name.endsWith(".libffm")) {
      return Format.LIBFFM;
    }
    if (name.endsWith(".csv")) {
      return Format.CSV;
    }
    return Format.LIBSVM;
  }

  /**
   * Reads a job spec file; a spec without {@code dataset} gets the data file's name, since locally
   * the data is a file rather than an uploaded dataset.
   */
  static JobSpec readSpec(Path specFile, Path data) throws IOException {
    String json = Files.readString(specFile);
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree instanceof ObjectNode o && !o.has("dataset")) {
        o.put("dataset", data.getFileName().toString());
        json = o.toString();
      }
    } catch (IOException notJson) {
      // JobSpec.parse reports it with the position
    }
    try {
      return JobSpec.parse(json);
    } catch (SpecException e) {
      throw new SpecException(e.field(), e.code(), specFile + ": " + e.getMessage());
    }
  }

  /** Ingests {@code file} into {@code dir}; bad lines are reported with the file's name. */
  static DatasetStats ingest(Path file, Format format, Path dir, int hashBits) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Ingest.ingest(in, format, dir, IngestOptions.defaults().withHashBits(hashBits));
    } catch (IngestException e) {
      throw new UsageException(file + ": " + e.getMessage());
    }
  }
}
