package trainyard.api.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import trainyard.api.job.JobRow;
import trainyard.api.job.RejectedEvent;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.JsonText;
import trainyard.engine.model.Model;
import trainyard.engine.model.ModelInfo;

/**
 * Records the model a job produced (its MODEL event). The model's id follows from the job's,
 * so a re-delivered or repeated MODEL event names the same model. Thread-safe.
 */
@ApplicationScoped
public class ModelRegistry {
  @Inject BlobStore blobs;

  /**
   * The file a MODEL event of {@code job} names, made absolute; it must lie in the job's own model
   * directory ({@link BlobStore#models}), symbolic links followed: any other path would let
   * {@code /artifact} serve a file that is not the job's model.
   *
   * @throws RejectedEvent if it does not
   */
  public Path fileOf(JobRow job, String modelPath) {
    Path dir = blobs.models(job.id);
    Path file = blobs.resolve(modelPath).normalize();
    boolean inside = Files.exists(file)
        ? Files.isDirectory(dir) && realPath(file).startsWith(realPath(dir))
        : file.startsWith(dir);
    if (!inside) {
      throw new RejectedEvent("model path " + modelPath + " of job " + job.id + " is outside its model directory "
          + dir);
    }
    return file;
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new RejectedEvent("cannot resolve " + p + ": " + e.getMessage());
    }
  }

  /**
   * Creates or refreshes the model row of {@code job} from {@code file} ({@link #fileOf}); returns
   * its id. Only the file's header is read ({@link Model#readInfo}): the weights, however big, stay
   * out of this process until a predict loads them. Call inside a transaction.
   */
  public String register(JobRow job, Path file, Instant time) {
    ModelInfo info;
    long bytes;
    try {
      info = Model.readInfo(file);
      bytes = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("the model file of job " + job.id + " cannot be read: " + file, e);
    }
    String id = modelId(job.id);
    ModelRow row = ModelRow.findById(id);
    if (row == null) {
      row = new ModelRow();
      row.id = id;
      row.tenantId = job.tenantId;
      row.jobId = job.id;
      row.createdAt = time;
    }
    Path root = blobs.root();
    row.path = file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    row.algorithm = info.algorithm();
    row.hashBits = info.hashBits();
    row.keys = info.keys();
    row.bytes = bytes;
    row.infoJson = JsonText.write(infoMap(info));
    row.persist();
    return id;
  }

  /** The model id of a job: "mdl_" and the job id's time and random parts. */
  static String modelId(String jobId) {
    return "mdl_" + jobId.substring(jobId.indexOf('_') + 1);
  }

  private static Map<String, Object> infoMap(ModelInfo info) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("algorithm", info.algorithm());
    m.put("keys", info.keys());
    m.put("hashBits", info.hashBits());
    m.put("spec", JsonText.tree(info.specJson()));
    m.put("datasetChecksum", info.datasetChecksum());
    m.put("seed", info.seed());
    m.put("engineVersion", info.engineVersion());
    return m;
  }
}
