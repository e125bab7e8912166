package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs rm} and {@code models rm} against a stub server: a DELETE each, the server's refusal on one line. */
class RmCommandTest {
  @TempDir Path home;
  private StubServer server;
  private final List<String> calls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = new StubServer("/api/v1/", (method, path) -> {
      calls.add(method + " " + path);
      return switch (path) {
        case "/api/v1/jobs/job_1", "/api/v1/models/mdl_1" -> new StubServer.Answer(204, "");
        case "/api/v1/jobs/job_2" -> new StubServer.Answer(409, "{\"status\":409,\"code\":\"job_not_ended\","
            + "\"detail\":\"job job_2 is RUNNING; cancel it, then delete it once it has ended\"}");
        default -> new StubServer.Answer(404, "{\"status\":404,\"code\":\"model_not_found\",\"detail\":\"no model\"}");
      };
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void jobsRmAndModelsRmDeleteAndSaySo() {
    CliRun job = server.cli(home, "jobs", "rm", "job_1");
    assertEquals(0, job.exit(), job.err());
    assertEquals("deleted job_1\n", job.out());
    CliRun model = server.cli(home, "--output", "json", "models", "rm", "mdl_1");
    assertEquals(0, model.exit(), model.err());
    assertTrue(model.out().contains("\"deleted\"") && model.out().contains("mdl_1"), model.out());
    assertEquals(List.of("DELETE /api/v1/jobs/job_1", "DELETE /api/v1/models/mdl_1"), calls);
  }

  @Test
  void aRunningJobIsRefusedOnOneLineWithANonZeroExit() {
    CliRun r = server.cli(home, "jobs", "rm", "job_2");
    assertTrue(r.exit() != 0);
    assertTrue(r.oneErrorLine(), r.err());
    assertTrue(r.err().contains("cancel it"), r.err());
    CliRun missing = server.cli(home, "models", "rm", "mdl_9");
    assertTrue(missing.exit() != 0);
    assertTrue(missing.oneErrorLine(), missing.err());
  }
}
