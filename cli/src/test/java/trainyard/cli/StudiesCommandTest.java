package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code studies show|watch|cancel|submit} against a stub server. */
class StudiesCommandTest {
  static final String DONE = "{\"id\":\"stu_1\",\"name\":\"tune\",\"status\":\"SUCCEEDED\",\"method\":\"asha\","
      + "\"metric\":\"val_logloss\",\"direction\":\"minimize\",\"budgetTrials\":3,\"maxParallel\":2,"
      + "\"bestJobId\":\"job_b\",\"bestObjective\":0.41234567,\"modelId\":\"mdl_b\",\"request\":{\"seed\":1},"
      + "\"trials\":["
      + "{\"index\":0,\"jobId\":\"job_a\",\"state\":\"SUCCEEDED\",\"params\":{\"params.learningRate\":0.1},"
      + "\"objective\":0.5,\"epoch\":4,\"rungsPassed\":2},"
      + "{\"index\":1,\"jobId\":\"job_b\",\"state\":\"SUCCEEDED\",\"params\":{\"params.learningRate\":0.3},"
      + "\"objective\":0.41234567,\"epoch\":4,\"rungsPassed\":2},"
      + "{\"index\":2,\"jobId\":\"job_c\",\"state\":\"STOPPED\",\"params\":{\"params.learningRate\":0.0001},"
      + "\"objective\":0.69,\"epoch\":1,\"rungsPassed\":0}]}";
  static final String CANCELLED = "{\"id\":\"stu_2\",\"status\":\"CANCELLED\",\"statusReason\":\"cancelled by the user\","
      + "\"metric\":\"val_auc\",\"budgetTrials\":8,\"trials\":[{\"index\":0,\"jobId\":\"job_x\",\"state\":\"CANCELLED\","
      + "\"params\":{\"algorithm\":\"fm\"}}]}";

  @TempDir Path home;
  private StubServer server;

  @BeforeEach
  void start() throws IOException {
    server = new StubServer("/api/v1/studies", path -> switch (path) {
      case "/api/v1/studies" -> new StubServer.Answer(200, "{\"items\":[" + DONE + "],\"nextCursor\":null}");
      case "/api/v1/studies/stu_1" -> new StubServer.Answer(200, DONE);
      case "/api/v1/studies/stu_2" -> new StubServer.Answer(200, CANCELLED);
      case "/api/v1/studies/stu_2/cancel" -> new StubServer.Answer(409,
          "{\"status\":409,\"code\":\"study_finished\",\"detail\":\"study stu_2 is CANCELLED and cannot be cancelled\"}");
      default -> new StubServer.Answer(404, "{\"status\":404,\"code\":\"study_not_found\",\"detail\":\"no study with id "
          + path.substring(path.lastIndexOf('/') + 1) + "\"}");
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void showPrintsTheStudyThenItsTrials() {
    CliRun r = server.cli(home, "studies", "show", "stu_1");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("bestObjective: 0.41234567"), r.out());
    assertTrue(r.out().endsWith(String.join("\n",
        "trials:",
        "#  JOB    STATE      OBJECTIVE  EPOCH  PARAMS",
        "0  job_a  SUCCEEDED  0.5        4      params.learningRate=0.1",
        "1  job_b  SUCCEEDED  0.412346   4      params.learningRate=0.3",
        "2  job_c  STOPPED    0.69       1      params.learningRate=0.0001",
        "")), r.out());
  }

  @Test
  void lsListsAndJsonIsTheServersAnswer() throws IOException {
    CliRun r = server.cli(home, "studies", "ls");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("stu_1  tune  asha    SUCCEEDED  3       minimize val_logloss  0.412346"), r.out());
    CliRun json = server.cli(home, "--output", "json", "studies", "show", "stu_1");
    assertEquals(0, json.exit(), json.err());
    JsonNode shown = Json.MAPPER.readTree(json.out());
    assertEquals(Json.MAPPER.readTree(DONE), shown);
  }

  @Test
  void watchEndsWithTheBestModelOrExitFourWhenTheStudyDidNotSucceed() {
    CliRun done = server.cli(home, "studies", "watch", "stu_1");
    assertEquals(0, done.exit(), done.err());
    assertTrue(done.err().contains("SUCCEEDED  trials 3/3: 1 stopped, 2 succeeded  best val_logloss 0.412346 (job_b)"),
        done.err());
    assertTrue(done.out().endsWith("stu_1  SUCCEEDED  best job_b val_logloss 0.412346  model mdl_b\n"), done.out());
    CliRun cancelled = server.cli(home, "studies", "watch", "stu_2");
    assertEquals(ExitCode.FAILED, cancelled.exit());
    assertTrue(cancelled.err().contains("error: study stu_2 CANCELLED: cancelled by the user"), cancelled.err());
  }

  @Test
  void errorsAreOneLineWithTheServersCode() {
    CliRun gone = server.cli(home, "studies", "show", "stu_9");
    assertEquals(ExitCode.API, gone.exit());
    assertTrue(gone.err().contains("no study with id stu_9") && gone.err().contains("study_not_found"), gone.err());
    CliRun finished = server.cli(home, "studies", "cancel", "stu_2");
    assertEquals(ExitCode.API, finished.exit());
    assertEquals(1, finished.err().strip().lines().count(), finished.err());
    assertTrue(finished.err().contains("study_finished"), finished.err());
  }

  @Test
  void dryRunPrintsTheStudyWithTheSpecFileAsItsBase() throws IOException {
    Path study = home.resolve("study.json");
    Files.writeString(study, "{\"space\": {\"params.l2\": {\"type\": \"float\", \"min\": 0, \"max\": 1}},"
        + " \"objective\": {\"metric\": \"val_auc\"}, \"spec\": {\"algorithm\": \"mlp\"}}");
    Path spec = home.resolve("spec.json");
    Files.writeString(spec, "{\"algorithm\": \"linear\", \"dataset\": \"ds_1\"}");
    CliRun r = server.cli(home, "studies", "submit", study.toString(), "--spec", spec.toString(), "--dry-run");
    assertEquals(0, r.exit(), r.err());
    JsonNode sent = Json.MAPPER.readTree(r.out());
    assertEquals("linear", sent.path("spec").path("algorithm").asText());
    assertEquals("val_auc", sent.path("objective").path("metric").asText());
    CliRun notAnObject = server.cli(home, "studies", "submit", spec.getParent().resolve("missing.json").toString());
    assertEquals(ExitCode.USAGE, notAnObject.exit());
  }
}
