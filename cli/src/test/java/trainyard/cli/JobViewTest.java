package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobViewTest {
  @Test
  void latestMetricIsTheOneWithTheHighestStep() {
    Map<String, Double> m = JobView.latest(Json.parseLenient("{\"items\":["
        + "{\"step\":20,\"epoch\":2,\"name\":\"train_loss\",\"value\":0.4},"
        + "{\"step\":10,\"epoch\":1,\"name\":\"train_loss\",\"value\":0.6},"
        + "{\"step\":20,\"epoch\":2,\"name\":\"val_auc\",\"value\":0.81234},"
        + "{\"step\":20,\"name\":\"junk\",\"value\":\"NaN\"}]}"));
    assertEquals(Map.of("train_loss", 0.4, "val_auc", 0.81234), m);
    assertEquals("train_loss 0.4000  val_auc 0.8123", JobView.metrics(m));
  }

  @Test
  void lineShowsStateProgressEpochMetricsAndWhyItWaits() {
    String running = JobView.line(Json.parseLenient(
        "{\"status\":\"RUNNING\",\"progress\":0.5,\"epoch\":2}"), Map.of("examples_per_sec", 123456.7));
    assertEquals("RUNNING   [##########----------]  50%  epoch 2  examples_per_sec 123457", running);
    String queued = JobView.line(Json.parseLenient(
        "{\"status\":\"QUEUED\",\"statusReason\":\"no executor has 4 free cores; largest free: 2\"}"), Map.of());
    assertEquals("QUEUED     (no executor has 4 free cores; largest free: 2)", queued);
  }

  @Test
  void progressFallsBackToEpochsWhenTheServerSaysNothingYet() {
    assertEquals(0.25, JobView.progress(Json.parseLenient(
        "{\"progress\":0.0,\"epoch\":1,\"spec\":{\"params\":{\"epochs\":4}}}")), 1e-12);
    assertEquals(0.6, JobView.progress(Json.parseLenient(
        "{\"progress\":0.6,\"epoch\":1,\"spec\":{\"params\":{\"epochs\":4}}}")), 1e-12);
    assertTrue(Double.isNaN(JobView.progress(Json.parseLenient("{\"status\":\"QUEUED\"}"))));
  }

  @Test
  void terminalStates() {
    assertTrue(JobView.terminal("SUCCEEDED"));
    assertTrue(JobView.terminal("FAILED"));
    assertTrue(JobView.terminal("CANCELLED"));
    assertFalse(JobView.terminal("RUNNING"));
    assertFalse(JobView.terminal("QUEUED"));
  }

  @Test
  void logLines() {
    assertEquals("t  STATE    QUEUED (waiting for room)", LogsCommand.line(Json.parseLenient(
        "{\"type\":\"STATE\",\"state\":\"QUEUED\",\"reason\":\"waiting for room\",\"time\":\"t\"}")));
    assertEquals("t  METRIC   epoch 1  train_loss 0.5000", LogsCommand.line(Json.parseLenient(
        "{\"type\":\"METRIC\",\"epoch\":1,\"metrics\":{\"train_loss\":0.5},\"time\":\"t\"}")));
    assertTrue(LogsCommand.isTerminal("STATE", Json.parseLenient("{\"state\":\"SUCCEEDED\"}")));
    assertFalse(LogsCommand.isTerminal("LOG", Json.parseLenient("{\"message\":\"x\"}")));
  }

  @Test
  void summaryPrefersFinalMetrics() {
    String s = WatchCommand.summary(Json.parseLenient("{\"id\":\"j_1\",\"status\":\"SUCCEEDED\","
        + "\"finalMetrics\":{\"val_auc\":0.9},\"modelId\":\"m_1\"}"), Map.of("val_auc", 0.1));
    assertEquals("j_1  SUCCEEDED  val_auc 0.9000  model m_1", s);
  }

  @Test
  void membersTableShowsSpansRatesAndBytesAndDashesForTheUnknown() {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    JobView.members(Json.parseLenient("[{\"rank\":0,\"executorId\":\"ex-a\",\"workers\":{\"first\":0,\"count\":4},"
        + "\"servers\":{\"first\":0,\"count\":2},\"examplesPerSec\":812.54,\"bytesPushed\":1536,\"bytesPulled\":100},"
        + "{\"rank\":1,\"executorId\":\"ex-b\",\"workers\":{\"first\":4,\"count\":0},\"servers\":{},"
        + "\"examplesPerSec\":3.25,\"bytesPushed\":\"x\",\"bytesPulled\":-1}]"))
        .print(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(String.join("\n",
        "RANK  EXECUTOR  WORKERS  SERVERS  EXAMPLES/S  PUSHED   PULLED",
        "0     ex-a      #0-3     #0-1     812.5       1.5 KiB  100 B",
        "1     ex-b      -        -        3.25        -        -",
        ""), buf.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(null, JobView.members(Json.parseLenient("[]")));
    assertEquals(null, JobView.members(Json.parseLenient("{}").path("members")));
  }
}
