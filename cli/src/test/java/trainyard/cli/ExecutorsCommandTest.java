package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code executors} against a stub server: the pool, then every GPU and the job holding it. */
class ExecutorsCommandTest {
  static final String POOL = "[{\"id\":\"gpu-1\",\"cores\":16,\"gpus\":2,\"memoryMb\":65536,\"freeCores\":14,"
      + "\"freeGpus\":1,\"freeMemoryMb\":60000,\"runningJobs\":1,\"lastSeen\":\"2026-12-05T00:10:00Z\",\"devices\":["
      + "{\"ordinal\":0,\"name\":\"NVIDIA H200\",\"memoryMb\":143771,\"computeCapability\":\"9.0\",\"jobId\":\"job_1\"},"
      + "{\"ordinal\":1,\"name\":\"NVIDIA H200\",\"memoryMb\":143771,\"computeCapability\":\"9.0\",\"jobId\":null}]},"
      + "{\"id\":\"cpu-1\",\"cores\":4,\"gpus\":0,\"memoryMb\":3072,\"freeCores\":4,\"freeGpus\":0,"
      + "\"freeMemoryMb\":3072,\"runningJobs\":0,\"lastSeen\":\"2026-12-05T00:10:01Z\",\"devices\":[]}]";

  @TempDir Path home;
  private StubServer server;
  private String body = POOL;

  @BeforeEach
  void start() throws IOException {
    server = new StubServer("/api/v1/executors", path -> new StubServer.Answer(200, body));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CliRun cli(String... args) {
    return server.cli(home, args);
  }

  @Test
  void thePoolThenEachGpuWithItsJob() {
    CliRun r = cli("executors");
    assertEquals(0, r.exit(), r.err());
    assertEquals(String.join("\n",
        "ID     FREE CORES  FREE MEMORY           FREE GPUS  JOBS  LAST SEEN",
        "gpu-1  14 of 16    58.6 GiB of 64.0 GiB  1 of 2     1     2026-12-05T00:10:00Z",
        "cpu-1  4 of 4      3.0 GiB of 3.0 GiB    0 of 0     0     2026-12-05T00:10:01Z",
        "",
        "gpus:",
        "EXECUTOR  GPU  NAME         MEMORY     COMPUTE  JOB",
        "gpu-1     0    NVIDIA H200  140.4 GiB  9.0      job_1",
        "gpu-1     1    NVIDIA H200  140.4 GiB  9.0      -",
        ""), r.out());
  }

  @Test
  void aPoolWithoutGpusHasNoGpuTable() {
    body = POOL.substring(0, 1) + POOL.substring(POOL.indexOf("{\"id\":\"cpu-1\""));
    CliRun r = cli("executors");
    assertEquals(0, r.exit(), r.err());
    assertEquals(String.join("\n",
        "ID     FREE CORES  FREE MEMORY         FREE GPUS  JOBS  LAST SEEN",
        "cpu-1  4 of 4      3.0 GiB of 3.0 GiB  0 of 0     0     2026-12-05T00:10:01Z",
        ""), r.out());
  }

  @Test
  void jsonOutputPassesThePoolThrough() {
    CliRun r = cli("--output", "json", "executors");
    assertEquals(0, r.exit(), r.err());
    assertEquals(Json.parseLenient(POOL), Json.parseLenient(r.out()));
  }
}
