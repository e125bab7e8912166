package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArgumentParsingTest {
  @TempDir
  Path home;

  private Map<String, String> env() {
    return Map.of("TRAINYARD_HOME", home.toString(), "TRAINYARD_TOKEN", "t0k");
  }

  @Test
  void helpIsAvailableOnEveryCommand() {
    String[][] commands = {{}, {"datasets"}, {"datasets", "upload"}, {"datasets", "ls"},
        {"datasets", "show"}, {"datasets", "rm"}, {"jobs"}, {"jobs", "submit"}, {"jobs", "ls"},
        {"jobs", "show"}, {"jobs", "cancel"}, {"jobs", "rm"}, {"jobs", "watch"}, {"jobs", "logs"}, {"models"},
        {"models", "ls"}, {"models", "show"}, {"models", "download"}, {"models", "rm"}, {"predict"}};
    for (String[] c : commands) {
      String[] args = java.util.Arrays.copyOf(c, c.length + 1);
      args[c.length] = "--help";
      CliRun r = CliRun.of(env(), args);
      assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: trainyard"), String.join(" ", args) + ": " + r.out());
    }
  }

  @Test
  void unknownOptionIsAUsageErrorOnOneLine() {
    CliRun r = CliRun.of(env(), "jobs", "ls", "--bogus");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.oneErrorLine(), r.err());
    assertTrue(r.err().contains("'--bogus'") && r.err().contains("trainyard jobs ls --help"), r.err());
  }

  @Test
  void missingSubcommandNamesTheChoices() {
    CliRun r = CliRun.of(env(), "models");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.oneErrorLine(), r.err());
    assertTrue(r.err().contains("ls, show, download"), r.err());
    assertTrue(!r.err().contains("list") && !r.err().contains("delete"), "aliases named too: " + r.err());
  }

  @Test
  void listAndDeleteAreTheSameCommandsAsLsAndRm() {
    for (String group : new String[] {"datasets", "jobs", "studies", "models", "tokens"}) {
      CliRun r = CliRun.of(env(), group, "list", "--help");
      assertEquals(0, r.exit(), group + " list: " + r.err());
      assertTrue(r.out().startsWith("Usage: trainyard " + group + " ls"), r.out());
    }
    for (String group : new String[] {"datasets", "jobs", "models"}) {
      CliRun r = CliRun.of(env(), group, "delete", "--help");
      assertEquals(0, r.exit(), group + " delete: " + r.err());
      assertTrue(r.out().startsWith("Usage: trainyard " + group + " rm"), r.out());
    }
  }

  @Test
  void missingParameterIsAUsageError() {
    CliRun r = CliRun.of(env(), "predict", "m_1");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.err().contains("FILE"), r.err());
  }

  @Test
  void badOutputFormatIsAUsageError() {
    CliRun r = CliRun.of(env(), "--output", "yaml", "jobs", "ls");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.oneErrorLine(), r.err());
    assertTrue(r.err().contains("yaml"), r.err());
  }

  @Test
  void missingTokenSaysWhereToPutOne() {
    CliRun r = CliRun.of(Map.of("TRAINYARD_HOME", home.toString()), "jobs", "ls");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.err().contains("TRAINYARD_TOKEN"), r.err());
  }

  @Test
  void badUrlIsAUsageError() {
    CliRun r = CliRun.of(env(), "--url", "ftp://x", "jobs", "ls");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.err().contains("ftp://x"), r.err());
  }

  @Test
  void unreachableServerIsAConnectionError() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CliRun r = CliRun.of(env(), "datasets", "ls", "--url", "http://127.0.0.1:" + port);
    assertEquals(ExitCode.CONNECTION, r.exit());
    assertTrue(r.oneErrorLine(), r.err());
    assertTrue(r.err().contains("127.0.0.1:" + port), r.err());
  }

  @Test
  void globalOptionsWorkBeforeAndAfterTheCommand() throws IOException {
    for (String[] args : new String[][] {
        {"--output", "json", "jobs", "submit", "--dry-run", "--algorithm", "fm", "--dataset", "ds_1"},
        {"jobs", "submit", "--dry-run", "--algorithm", "fm", "--dataset", "ds_1", "--output", "JSON"}}) {
      CliRun r = CliRun.of(env(), args);
      assertEquals(0, r.exit(), r.err());
      JsonNode spec = Json.MAPPER.readTree(r.out());
      assertEquals("fm", spec.get("algorithm").asText());
    }
  }

  @Test
  void submitMergesSpecFileAndOptions() throws IOException {
    Path spec = home.resolve("spec.json");
    Files.writeString(spec, "{\"name\":\"n\",\"algorithm\":\"linear\",\"dataset\":\"ds_1\","
        + "\"params\":{\"epochs\":1,\"l1\":1.0}}");
    CliRun r = CliRun.of(env(), "jobs", "submit", spec.toString(), "--set", "epochs=5",
        "--algorithm", "fm", "--dry-run");
    assertEquals(0, r.exit(), r.err());
    JsonNode s = Json.MAPPER.readTree(r.out());
    assertEquals("fm", s.get("algorithm").asText());
    assertEquals(5, s.at("/params/epochs").asInt());
    assertEquals(1.0, s.at("/params/l1").asDouble());
    assertEquals("n", s.get("name").asText());
  }

  @Test
  void specFileThatIsNotJsonIsAUsageError() throws IOException {
    Path spec = home.resolve("spec.json");
    Files.writeString(spec, "{\"algorithm\": fm}");
    CliRun r = CliRun.of(env(), "jobs", "submit", spec.toString(), "--dry-run");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.oneErrorLine(), r.err());
    assertTrue(r.err().contains("not valid JSON"), r.err());
  }

  @Test
  void missingSpecFileIsAUsageError() {
    CliRun r = CliRun.of(env(), "jobs", "submit", home.resolve("nope.json").toString(), "--dry-run");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.err().contains("nope.json"), r.err());
  }

  @Test
  void uploadOfAMissingFileIsAUsageError() {
    CliRun r = CliRun.of(env(), "datasets", "upload", home.resolve("none.libsvm").toString());
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.err().contains("no such file"), r.err());
    r = CliRun.of(env(), "datasets", "upload", home.toString());
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.err().contains("is a directory, not a file"), r.err());
  }

  @Test
  void badSetIsAUsageErrorNamingTheKey() {
    CliRun r = CliRun.of(env(), "jobs", "submit", "--algorithm", "fm", "--dataset", "d",
        "--set", "dimm=8", "--dry-run");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.oneErrorLine(), r.err());
    assertTrue(r.err().contains("'dimm'"), r.err());
  }

  @Test
  void watchRejectsATooShortInterval() {
    CliRun r = CliRun.of(env(), "jobs", "watch", "j_1", "--interval", "5");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.err().contains("got 5"), r.err());
  }
}
