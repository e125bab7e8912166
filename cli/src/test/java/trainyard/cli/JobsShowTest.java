package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs show} against a stub server: a placed job's members as a table, or passed through as JSON. */
class JobsShowTest {
  static final String PLACED = "{\"id\":\"job_1\",\"name\":\"ctr\",\"status\":\"RUNNING\",\"attempt\":1,"
      + "\"spec\":{\"resources\":{\"workers\":3,\"servers\":2,\"gpus\":0,\"executors\":2}},\"members\":["
      + "{\"rank\":0,\"executorId\":\"ex-a\",\"host\":\"10.0.0.1\",\"port\":7001,"
      + "\"workers\":{\"first\":0,\"count\":2},\"servers\":{\"first\":0,\"count\":1},"
      + "\"keyRanges\":[[\"-9223372036854775808\",\"-2\"]],"
      + "\"examplesPerSec\":41250.5,\"bytesPushed\":18874368,\"bytesPulled\":20971520,\"updatedAt\":\"t\"},"
      + "{\"rank\":1,\"executorId\":\"ex-b\",\"host\":\"10.0.0.2\",\"port\":7002,"
      + "\"workers\":{\"first\":2,\"count\":1},\"servers\":{\"first\":1,\"count\":1},"
      + "\"keyRanges\":[[\"-1\",\"9223372036854775807\"]],"
      + "\"examplesPerSec\":null,\"bytesPushed\":null,\"bytesPulled\":null,\"updatedAt\":\"t\"}]}";

  @TempDir Path home;
  private StubServer server;

  @BeforeEach
  void start() throws IOException {
    server = new StubServer("/api/v1/jobs/", path -> {
      String id = path.substring("/api/v1/jobs/".length());
      return switch (id) {
        case "job_1" -> new StubServer.Answer(200, PLACED);
        case "job_3" -> new StubServer.Answer(200, "{\"id\":\"job_3\",\"status\":\"ASSIGNED\",\"members\":[{\"rank\":0,"
            + "\"executorId\":\"gpu-1\",\"workers\":{\"first\":0,\"count\":1},\"servers\":{\"first\":0,\"count\":1},"
            + "\"gpus\":[0,3],\"examplesPerSec\":null,\"bytesPushed\":null,\"bytesPulled\":null}]}");
        case "job_2" -> new StubServer.Answer(200,
            "{\"id\":\"job_2\",\"status\":\"QUEUED\",\"statusReason\":\"waiting\",\"members\":[]}");
        default -> new StubServer.Answer(404,
            "{\"status\":404,\"code\":\"job_not_found\",\"detail\":\"no such job: " + id + "\"}");
      };
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CliRun cli(String... args) {
    return server.cli(home, args);
  }

  @Test
  void aPlacedJobShowsItsMembersAsATable() {
    CliRun r = cli("jobs", "show", "job_1");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("status:  RUNNING"), r.out());
    assertTrue(r.out().endsWith(String.join("\n",
        "members:",
        "RANK  EXECUTOR  WORKERS  SERVERS  EXAMPLES/S  PUSHED    PULLED",
        "0     ex-a      #0-1     #0       41251       18.0 MiB  20.0 MiB",
        "1     ex-b      #2       #1       -           -         -",
        "")), r.out());
    assertFalse(r.out().contains("keyRanges"), "the table replaces the members' JSON: " + r.out());
  }

  @Test
  void aGpuJobsMembersShowTheirGpus() {
    CliRun r = cli("jobs", "show", "job_3");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().endsWith(String.join("\n",
        "members:",
        "RANK  EXECUTOR  WORKERS  SERVERS  GPUS  EXAMPLES/S  PUSHED  PULLED",
        "0     gpu-1     #0       #0       0,3   -           -       -",
        "")), r.out());
  }

  @Test
  void aJobWithoutMembersHasNoTable() {
    CliRun r = cli("jobs", "show", "job_2");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("statusReason: waiting"), r.out());
    assertFalse(r.out().contains("members") || r.out().contains("RANK"), r.out());
  }

  @Test
  void jsonOutputPassesTheMembersThrough() {
    CliRun r = cli("--output", "json", "jobs", "show", "job_1");
    assertEquals(0, r.exit(), r.err());
    assertEquals(Json.parseLenient(PLACED), Json.parseLenient(r.out()));
  }

  @Test
  void anUnknownJobIsOneErrorLine() {
    CliRun r = cli("jobs", "show", "job_9");
    assertEquals(ExitCode.API, r.exit());
    assertTrue(r.oneErrorLine(), r.err());
    assertTrue(r.err().contains("job_not_found"), r.err());
  }
}
