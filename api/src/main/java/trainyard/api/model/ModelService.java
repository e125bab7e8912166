package trainyard.api.model;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import trainyard.api.job.JobRow;
import trainyard.api.page.Page;
import trainyard.api.page.PageRequest;
import trainyard.api.platform.BlobStore;
import trainyard.api.problem.ApiException;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Format;
import trainyard.engine.data.IngestException;
import trainyard.engine.data.Parsers;
import trainyard.engine.io.FileTrees;
import trainyard.engine.model.Model;

/**
 * Reads models and predicts with them. Loaded models are kept in a small LRU cache, since
 * a model file can take a while to load. Thread-safe (the cache is synchronized; models are
 * immutable and safe to share).
 */
@ApplicationScoped
public class ModelService {
  private static final int CACHED_MODELS = 8;

  @Inject BlobStore blobs;

  private final Map<String, Model> cache = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Model> eldest) {
      return size() > CACHED_MODELS;
    }
  };

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
    synchronized (cache) {
      cache.remove(id);
    }
    FileTrees.deleteRecursively(blobs.models(row.jobId));
  }

  /** One probability (or value) per row of {@code rows} (libsvm, labels optional). */
  public List<Float> predict(String tenantId, String id, Reader rows, String format) {
    ModelRow row = QuarkusTransaction.requiringNew().call(() -> owned(tenantId, id));
    Model model = load(row);
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
    float[] p = model.predict(block);
    List<Float> out = new ArrayList<>(p.length);
    for (float v : p) {
      out.add(v);
    }
    return out;
  }

  private Model load(ModelRow row) {
    synchronized (cache) {
      Model cached = cache.get(row.id);
      if (cached != null) {
        return cached;
      }
    }
    Model model;
    try {
      model = Model.load(blobs.resolve(row.path));
    } catch (IOException e) {
      throw new UncheckedIOException("model " + row.id + " cannot be loaded", e);
    }
    synchronized (cache) {
      cache.put(row.id, model);
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
