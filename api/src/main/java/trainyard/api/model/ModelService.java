package trainyard.api.model;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import trainyard.api.job.JobRow;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.TrainyardConfig;
import trainyard.api.problem.ApiException;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Format;
import trainyard.engine.data.IngestException;
import trainyard.engine.data.Parsers;
import trainyard.engine.io.FileTrees;
import trainyard.engine.model.Model;

/**
 * Reads models and predicts with them. Loaded models are kept in a {@link ModelCache} of
 * {@code trainyard.limits.model-cache-bytes}, weighed by their files' sizes (which their weights in
 * memory match), since a model file can take a while to load. Thread-safe (models are immutable
 * and safe to share).
 */
@ApplicationScoped
public class ModelService {
  @Inject BlobStore blobs;
  @Inject TrainyardConfig config;
  private ModelCache<Model> cache;

  @PostConstruct
  void init() {
    cache = new ModelCache<>(config.limits().modelCacheBytes());
  }

  public ModelView get(String tenantId, String id) {
    return QuarkusTransaction.requiringNew().call(() -> view(owned(tenantId, id)));
  }

  public Page<ModelView> list(String tenantId, PageRequest page) {
    return QuarkusTransaction.requiringNew().call(() -> {
      List<ModelRow> rows = page.cursor() == null
          ? ModelRow.<ModelRow>find("tenantId = ?1 order by id desc", tenantId).page(0, page.limit() + 1).list()
          : ModelRow.<ModelRow>find("tenantId = ?1 and id < ?2 order by id desc", tenantId, page.cursor())
              .page(0, page.limit() + 1).list();
      return page.page(rows, r -> r.id, ModelService::view);
    });
  }

  /** The model file of the tenant's model. */
  public Path artifact(String tenantId, String id) {
    ModelRow row = QuarkusTransaction.requiringNew().call(() -> owned(tenantId, id));
    Path file = blobs.resolve(row.path);
    if (!java.nio.file.Files.isReadable(file)) {
      throw new ApiException(404, "artifact_not_found", "Not found",
          "the file of model " + id + " is no longer in the blob store");
    }
    return file;
  }

  /** Deletes the tenant's model and its files; its job shows no model any more and may then be deleted too. */
  public void delete(String tenantId, String id) throws IOException {
    ModelRow row = QuarkusTransaction.requiringNew().call(() -> {
      ModelRow model = owned(tenantId, id);
      JobRow job = JobRow.findById(model.jobId, LockModeType.PESSIMISTIC_WRITE);
      if (job != null && id.equals(job.modelId)) {
        job.modelId = null;
      }
      model.delete();
      return model;
    });
    cache.remove(id);
    FileTrees.deleteRecursively(blobs.models(row.jobId));
  }

  /**
   * The model's outputs for every row of {@code rows} (libsvm, labels optional), row by row: one
   * each, or one per class of a softmax model. At most {@code trainyard.limits.predict-outputs} of
   * them (413 predict_too_large): the answer is built in memory.
   */
  public List<Float> predict(String tenantId, String id, Reader rows, String format) {
    ModelRow row = QuarkusTransaction.requiringNew().call(() -> owned(tenantId, id));
    Format f;
    try {
      f = Format.parse(format == null ? "libsvm" : format);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("unknown_format", e.getMessage());
    }
    CsrBlock block;
    try {
      block = Parsers.parse(rows, f, row.hashBits);
    } catch (IngestException e) {
      throw ApiException.badRequest("invalid_rows", "the rows do not parse: " + e.getMessage());
    }
    Model model = load(row);
    long outputs = (long) block.rows * model.outputs();
    long limit = config.limits().predictOutputs();
    if (outputs > limit) {
      throw new ApiException(413, "predict_too_large", "Payload too large", block.rows + " rows × "
          + model.outputs() + " outputs is " + outputs + " predictions; one request answers at most " + limit
          + " (trainyard.limits.predict-outputs): send fewer rows a request");
    }
    float[] p = model.predict(block);
    List<Float> out = new ArrayList<>(p.length);
    for (float v : p) {
      out.add(v);
    }
    return out;
  }

  private Model load(ModelRow row) {
    Model model = cache.get(row.id);
    if (model == null) {
      try {
        model = Model.load(blobs.resolve(row.path));
      } catch (IOException e) {
        throw new UncheckedIOException("model " + row.id + " cannot be loaded", e);
      }
      cache.put(row.id, model, row.bytes);
    }
    return model;
  }

  private static ModelRow owned(String tenantId, String id) {
    ModelRow row = ModelRow.owned(tenantId, id);
    if (row == null) {
      throw ApiException.notFound("model", id);
    }
    return row;
  }

  private static ModelView view(ModelRow row) {
    JobRow job = JobRow.findById(row.jobId);
    return ModelView.of(row, job == null ? null : job.finalMetrics);
  }
}
