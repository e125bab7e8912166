package trainyard.api.quota;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import trainyard.api.auth.Tenant;
import trainyard.api.auth.Tokens;
import trainyard.api.dataset.DatasetRow;
import trainyard.api.job.JobRow;
import trainyard.api.platform.TrainyardConfig;
import trainyard.api.problem.ApiException;
import trainyard.api.problem.Problem;
import trainyard.api.upload.UploadRow;
import trainyard.api.upload.UploadService;
import trainyard.spec.JobSpec;

/**
 * Per-tenant quotas: storage bytes, jobs not yet ended, open uploads and GPUs of jobs not yet
 * ended. An admin sets a tenant's own limits; a limit it did not set is the configured default
 * ({@code trainyard.quota.*}), unlimited when unset. A request past a limit is refused with 403
 * {@code quota_exceeded} naming the quota ({@code quota}, {@code limit}, {@code used}): it is a
 * rule an admin set, and the same request succeeds only once the tenant has freed room or the
 * limit was raised, so it is not a 429 that clients retry by themselves. The checks run in the
 * caller's transaction with the tenant's row locked, so two requests of one tenant are counted
 * one after the other. Thread-safe.
 */
@ApplicationScoped
public class QuotaService {
  /** What an admin sets: a limit left out or null is the configured default. */
  @Schema(additionalProperties = Schema.False.class)
  public record QuotaRequest(Long storageBytes, Integer concurrentJobs, Integer openUploads, Integer gpus) {}

  /** What a tenant holds now, counted as its quotas are. */
  public record Usage(long storageBytes, long concurrentJobs, long openUploads, long gpus) {}

  /** A tenant's limits in force (null: unlimited) and what it uses. */
  public record QuotaView(String tenant, Long storageBytes, Integer concurrentJobs, Integer openUploads, Integer gpus,
      Usage used) {}

  private record Limits(Long storageBytes, Integer concurrentJobs, Integer openUploads, Integer gpus) {}

  @Inject TrainyardConfig config;
  @Inject Clock clock;

  /** Tenant id → the count its streamed uploads arriving now share; guarded by itself. */
  private final Map<String, Arriving.Shared> arriving = new HashMap<>();

  /** The quota of tenant {@code name}: an admin may read any, anyone else its own; 404 otherwise. */
  public QuotaView get(Tokens.Grant caller, String name) {
    return QuarkusTransaction.requiringNew().call(() -> view(tenant(caller, name)));
  }

  /** Admin only (the caller checks): replaces tenant {@code name}'s own limits. */
  public QuotaView put(Tokens.Grant caller, String name, QuotaRequest request) {
    if (request == null) {
      throw ApiException.badRequest("invalid_json", "the body must be a JSON object of limits");
    }
    atLeastZero("storageBytes", request.storageBytes());
    atLeastZero("concurrentJobs", request.concurrentJobs());
    atLeastZero("openUploads", request.openUploads());
    atLeastZero("gpus", request.gpus());
    return QuarkusTransaction.requiringNew().call(() -> {
      Tenant tenant = tenant(caller, name);
      QuotaRow row = QuotaRow.findById(tenant.id);
      if (row == null) {
        row = new QuotaRow();
        row.tenantId = tenant.id;
      }
      row.storageBytes = request.storageBytes();
      row.concurrentJobs = request.concurrentJobs();
      row.openUploads = request.openUploads();
      row.gpus = request.gpus();
      row.updatedAt = clock.instant();
      row.persist();
      return view(tenant);
    });
  }

  /** In the submit's transaction: one more job, asking for {@code spec}'s GPUs, stays within the quotas. */
  public void checkJob(String tenantId, JobSpec spec) {
    Limits limits = limits(tenantId);
    if (limits.concurrentJobs() == null && limits.gpus() == null) {
      return;
    }
    lock(tenantId);
    if (limits.concurrentJobs() != null) {
      long jobs = unfinishedJobs(tenantId);
      if (jobs + 1 > limits.concurrentJobs()) {
        throw exceeded("concurrentJobs", limits.concurrentJobs(), jobs, jobs + " jobs not yet ended; cancel one or wait "
            + "for one to end");
      }
    }
    int asked = gpus(spec);
    if (limits.gpus() != null && asked > 0) {
      long gpus = gpus(tenantId);
      if (gpus + asked > limits.gpus()) {
        throw exceeded("gpus", limits.gpus(), gpus, "the jobs not yet ended hold " + gpus + " and this one asks for "
            + asked);
      }
    }
  }

  /** In the upload's transaction: one more open upload of {@code size} bytes stays within the quotas. */
  public void checkUpload(String tenantId, long size) {
    Limits limits = limits(tenantId);
    if (limits.openUploads() == null && limits.storageBytes() == null) {
      return;
    }
    lock(tenantId);
    if (limits.openUploads() != null) {
      long open = openUploads(tenantId);
      if (open + 1 > limits.openUploads()) {
        throw exceeded("openUploads", limits.openUploads(), open, open + " uploads are open; complete or let one "
            + "expire first");
      }
    }
    checkStorage(tenantId, limits, size);
  }

  /**
   * {@code bytes} more stay within the storage quota: a streamed upload's declared length, or 0
   * when it declares none (then only a tenant already at its quota is refused here, and
   * {@link #arriving} stops the body where it crosses the quota).
   */
  public void checkStorage(String tenantId, long bytes) {
    QuarkusTransaction.requiringNew().run(() -> checkStorage(tenantId, limits(tenantId), bytes));
  }

  /**
   * Starts counting a streamed upload of {@code tenantId} against its storage quota while it
   * arrives; the caller ends it ({@link Arriving#end}). The tenant's uploads arriving at the same
   * time share the count, started from the database when the first of them starts.
   */
  public Arriving arriving(String tenantId) {
    synchronized (arriving) {
      Arriving.Shared shared = arriving.get(tenantId);
      if (shared == null) {
        // read under the lock: an upload that ends meanwhile is either in the rows or in the count
        shared = QuarkusTransaction.requiringNew().call(() -> {
          Long limit = limits(tenantId).storageBytes();
          return limit == null ? null : new Arriving.Shared(limit, storageBytes(tenantId));
        });
        if (shared == null) {
          return Arriving.UNLIMITED;
        }
        arriving.put(tenantId, shared);
      }
      shared.open++;
      Arriving.Shared mine = shared;
      return new Arriving(shared, () -> {
        synchronized (arriving) {
          if (--mine.open == 0) {
            arriving.remove(tenantId, mine);
          }
        }
      });
    }
  }

  private void checkStorage(String tenantId, Limits limits, long bytes) {
    if (limits.storageBytes() == null) {
      return;
    }
    long used = storageBytes(tenantId);
    if (used + bytes > limits.storageBytes() || used >= limits.storageBytes()) {
      throw exceeded("storageBytes", limits.storageBytes(), used, used + " bytes are stored and this asks for "
          + bytes + " more; delete datasets, models or jobs first");
    }
  }

  static ApiException exceeded(String quota, long limit, long used, String why) {
    return new ApiException(Problem.of(403, "quota_exceeded", "Quota exceeded",
            "past the tenant's " + quota + " quota of " + limit + ": " + why + " (an admin sets quotas)")
        .with("quota", quota).with("limit", limit).with("used", used));
  }

  private static void atLeastZero(String field, Number value) {
    if (value != null && value.longValue() < 0) {
      throw new ApiException(ApiException.badRequest("invalid_quota", field + " must be >= 0 or null (the default), got "
          + value).problem().withField(field));
    }
  }

  private Tenant tenant(Tokens.Grant caller, String name) {
    Tenant tenant = name == null ? null : Tenant.findByName(name);
    if (tenant == null || !caller.admin() && !tenant.id.equals(caller.tenantId())) {
      throw ApiException.notFound("tenant", name);
    }
    return tenant;
  }

  private QuotaView view(Tenant tenant) {
    Limits l = limits(tenant.id);
    return new QuotaView(tenant.name, l.storageBytes(), l.concurrentJobs(), l.openUploads(), l.gpus(),
        new Usage(storageBytes(tenant.id), unfinishedJobs(tenant.id), openUploads(tenant.id), gpus(tenant.id)));
  }

  private Limits limits(String tenantId) {
    QuotaRow row = QuotaRow.findById(tenantId);
    TrainyardConfig.Quota d = config.quota();
    return row == null
        ? new Limits(d.storageBytes().orElse(null), d.concurrentJobs().orElse(null), d.openUploads().orElse(null),
            d.gpus().orElse(null))
        : new Limits(row.storageBytes != null ? row.storageBytes : d.storageBytes().orElse(null),
            row.concurrentJobs != null ? row.concurrentJobs : d.concurrentJobs().orElse(null),
            row.openUploads != null ? row.openUploads : d.openUploads().orElse(null),
            row.gpus != null ? row.gpus : d.gpus().orElse(null));
  }

  private static void lock(String tenantId) {
    Tenant.findById(tenantId, LockModeType.PESSIMISTIC_WRITE);
  }

  /** The GPUs a job of {@code spec} holds while not ended ({@code jobs.gpus}). */
  public static int gpus(JobSpec spec) {
    return spec.resources().gpus() * spec.resources().executors();
  }

  private static long unfinishedJobs(String tenantId) {
    return JobRow.count("tenantId = ?1 and status in ?2", tenantId, JobRow.UNFINISHED);
  }

  private static long gpus(String tenantId) {
    Number n = JobRow.getEntityManager().createQuery(
            "select sum(j.gpus) from JobRow j where j.tenantId = ?1 and j.status in ?2", Number.class)
        .setParameter(1, tenantId).setParameter(2, JobRow.UNFINISHED).getSingleResult();
    return n == null ? 0 : n.longValue();
  }

  private static long openUploads(String tenantId) {
    return UploadRow.count("tenantId = ?1 and status = ?2", tenantId, UploadService.OPEN);
  }

  /** Datasets (their shards once ingested, else the raw file), open uploads' declared sizes, and models. */
  private static long storageBytes(String tenantId) {
    return sum("select sum(coalesce(d.bytes, d.uploadBytes)) from DatasetRow d where d.tenantId = ?1", tenantId)
        + sum("select sum(u.size) from UploadRow u where u.tenantId = ?1 and u.status = '" + UploadService.OPEN + "'",
            tenantId)
        + sum("select sum(m.bytes) from ModelRow m where m.tenantId = ?1", tenantId);
  }

  private static long sum(String query, String tenantId) {
    Number n = DatasetRow.getEntityManager().createQuery(query, Number.class).setParameter(1, tenantId)
        .getSingleResult();
    return n == null ? 0 : n.longValue();
  }
}
