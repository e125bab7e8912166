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

  /** Creates or refreshes the model row of {@code job}; returns its id. Call inside a transaction. */
  public String register(JobRow job, String modelPath, Instant time) {
    Path file = blobs.resolve(modelPath);
    ModelInfo info;
    long bytes;
    try {
      info = Model.load(file).info();
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
