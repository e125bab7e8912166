package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecBuilderTest {
  @Test
  void bareKeysGoWhereTheSpecKeepsThem() {
    ObjectNode s = SpecBuilder.build(null, "fm", "ds_1", null, List.of("dim=8", "epochs=3",
        "learningRate=0.05", "optimizer=ftrl", "workers=2", "executors=2", "maxDelay=-1", "maxSeconds=60",
        "fraction=0.1", "priority=5", "hidden=64,32"));
    assertEquals(8, s.at("/params/dim").asInt());
    assertTrue(s.at("/params/dim").isIntegralNumber());
    assertEquals(3, s.at("/params/epochs").asInt());
    assertEquals(0.05, s.at("/params/learningRate").asDouble());
    assertEquals("ftrl", s.at("/params/optimizer").asText());
    assertEquals(2, s.at("/resources/workers").asInt());
    assertEquals(2, s.at("/resources/executors").asInt());
    assertEquals(-1, s.at("/consistency/maxDelay").asInt());
    assertEquals(60, s.at("/stopping/maxSeconds").asInt());
    assertEquals(0.1, s.at("/validation/fraction").asDouble());
    assertEquals(5, s.get("priority").asInt());
    assertEquals("[64,32]", s.at("/params/hidden").toString());
    assertEquals("fm-ds_1", s.get("name").asText());
  }

  @Test
  void earlyStoppingAndScheduleKeys() {
    ObjectNode s = SpecBuilder.build(null, "linear", "d", null, List.of("patience=2", "metric=val_auc",
        "checkpointSeconds=60", "schedule=cosine", "warmupSteps=100"));
    assertEquals(2, s.at("/stopping/patience").asInt());
    assertEquals("val_auc", s.at("/stopping/metric").asText());
    assertEquals(60, s.at("/stopping/checkpointSeconds").asInt());
    assertEquals("cosine", s.at("/params/schedule").asText());
    assertEquals(100, s.at("/params/warmupSteps").asInt());
  }

  @Test
  void dottedPathsAreTakenAsTheyAre() {
    ObjectNode s = SpecBuilder.build(null, "linear", "d", "n", List.of("params.l1=1e-3",
        "validation.dataset=ds_v", "params.hidden=[8]"));
    assertEquals(0.001, s.at("/params/l1").asDouble(), 1e-12);
    assertEquals("ds_v", s.at("/validation/dataset").asText());
    assertEquals("[8]", s.at("/params/hidden").toString());
  }

  @Test
  void valuesKeepTheirJsonTypes() {
    assertTrue(SpecBuilder.value("true").isBoolean());
    assertTrue(SpecBuilder.value("12").isIntegralNumber());
    assertTrue(SpecBuilder.value("-3").isIntegralNumber());
    assertTrue(SpecBuilder.value("0.5").isDouble());
    assertTrue(SpecBuilder.value(".5").isDouble());
    assertTrue(SpecBuilder.value("1e-4").isDouble());
    assertTrue(SpecBuilder.value("logistic").isTextual());
    assertTrue(SpecBuilder.value("ds_12").isTextual());
    assertTrue(SpecBuilder.value("{\"a\":1}").isObject());
  }

  @Test
  void laterSetsWinAndTheBaseIsNotChanged() {
    ObjectNode base = Json.MAPPER.createObjectNode();
    base.put("algorithm", "linear").put("dataset", "d").putObject("params").put("epochs", 1);
    ObjectNode s = SpecBuilder.build(base, null, null, null, List.of("epochs=2", "epochs=4"));
    assertEquals(4, s.at("/params/epochs").asInt());
    assertEquals(1, base.at("/params/epochs").asInt());
    assertFalse(s.has("name"), "a spec file without a name stays so; the server decides");
  }

  @Test
  void unknownKeyListsTheKnownOnes() {
    CliException e = assertThrows(CliException.class,
        () -> SpecBuilder.build(null, "fm", "d", null, List.of("epoch=3")));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("'epoch'") && e.getMessage().contains("epochs"), e.getMessage());
  }

  @Test
  void malformedSetsAreRejected() {
    for (String bad : List.of("dim", "=3", "params..dim=3", "1x.y=2")) {
      CliException e = assertThrows(CliException.class,
          () -> SpecBuilder.build(null, "fm", "d", null, List.of(bad)), bad);
      assertEquals(ExitCode.USAGE, e.exitCode());
    }
    CliException e = assertThrows(CliException.class,
        () -> SpecBuilder.build(null, "fm", "d", null, List.of("hidden=[1,")));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void algorithmAndDatasetAreRequired() {
    CliException a = assertThrows(CliException.class,
        () -> SpecBuilder.build(null, null, "d", null, List.of()));
    assertTrue(a.getMessage().contains("--algorithm"), a.getMessage());
    CliException d = assertThrows(CliException.class,
        () -> SpecBuilder.build(null, "fm", null, null, List.of()));
    assertTrue(d.getMessage().contains("--dataset"), d.getMessage());
  }

  @Test
  void aSpecMustBeAnObject() {
    JsonNode array = Json.MAPPER.createArrayNode();
    assertThrows(CliException.class, () -> SpecBuilder.build(array, "fm", "d", null, List.of()));
  }
}
