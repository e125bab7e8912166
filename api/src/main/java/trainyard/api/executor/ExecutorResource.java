package trainyard.api.executor;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import trainyard.api.platform.JsonText;
import trainyard.bus.Gpu;

/**
 * {@code GET /api/v1/executors}: the pool and what is free, from the latest heartbeats. Shared
 * infrastructure, the same for every tenant. HTTP only.
 */
@Path("/api/v1/executors")
@Tag(name = "Executors", description = "The machines that run jobs")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutorResource {
  /** An executor as the REST API shows it; {@code lastSeen} tells a silent one. */
  public record ExecutorView(String id, int cores, int gpus, long memoryMb, int freeCores, int freeGpus,
      long freeMemoryMb, int runningJobs, Instant lastSeen, List<GpuView> devices) {}

  /**
   * One GPU of an executor: its CUDA ordinal there, name, memory in MiB, compute capability
   * ("9.0"), and the job holding it (absent when free).
   */
  public record GpuView(int ordinal, String name, long memoryMb, String computeCapability, String jobId) {
    static GpuView of(Gpu g) {
      return new GpuView(g.ordinal(), g.name(), g.memoryBytes() / (1024 * 1024),
          g.computeMajor() + "." + g.computeMinor(), g.jobId());
    }
  }

  @GET
  @Operation(operationId = "listExecutors", summary = "List executors",
      description = "Every executor, what it has and what is free, from its latest heartbeat; the same for every tenant.")
  public List<ExecutorView> list() {
    return QuarkusTransaction.requiringNew().call(() -> {
      List<ExecutorView> out = new ArrayList<>();
      for (ExecutorRow r : ExecutorRow.<ExecutorRow>list("order by id")) {
        out.add(new ExecutorView(r.id, r.cores, r.gpus, r.memoryMb, r.freeCores, r.freeGpus, r.freeMemoryMb,
            r.runningJobs, r.lastSeen, JsonText.list(r.gpuDevices, GpuView.class)));
      }
      return out;
    });
  }
}
