package trainyard.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobSpecTest {
  private static final String MINIMAL = "{\"name\":\"ctr\",\"algorithm\":\"linear\",\"dataset\":\"ds_1\"}";

  private static SpecException rejected(String json) {
    return assertThrows(SpecException.class, () -> JobSpec.parse(json));
  }

  private static String withParams(String params) {
    return "{\"name\":\"ctr\",\"algorithm\":\"fm\",\"dataset\":\"ds_1\",\"params\":{" + params + "}}";
  }

  @Test
  void fillsDefaults() {
    JobSpec spec = JobSpec.parse(MINIMAL);
    JobSpec.Params p = spec.params();
    assertEquals("logistic", p.loss());
    assertEquals("adagrad", p.optimizer());
    assertEquals(0.03, p.learningRate());
    assertEquals(0.0, p.l1());
    assertEquals(1e-4, p.l2());
    assertEquals(8, p.dim());
    assertEquals(3, p.epochs());
    assertEquals(200, p.batchSize());
    assertArrayEquals(new int[0], p.hidden());
    assertEquals(0, p.threshold());
    assertEquals(0, p.hashBits());
    assertEquals(1L, p.seed());
    assertEquals(new JobSpec.Resources(2, 1, 0), spec.resources());
    assertEquals(4, spec.consistency().maxDelay());
    assertEquals(3600L, spec.stopping().maxSeconds());
    assertEquals(0, spec.priority());
    assertNull(spec.validation());
    assertEquals("constant", p.schedule());
    assertEquals(0, p.warmupSteps());
    assertEquals(0, spec.stopping().patience());
    assertEquals("val_logloss", spec.stopping().metric());
  }

  @Test
  void mlpDefaultsToOneHiddenLayerAndAdam() {
    JobSpec spec = JobSpec.parse("{\"name\":\"m\",\"algorithm\":\"mlp\",\"dataset\":\"d\",\"params\":{\"loss\":\"softmax\"}}");
    assertArrayEquals(new int[] {256}, spec.params().hidden());
    assertEquals("adam", spec.params().optimizer());
    assertEquals(0.001, spec.params().learningRate());
    assertEquals(128, spec.params().batchSize());
  }

  @Test
  void fmDefaultsToAdaGradWithAnEmbeddingThreshold() {
    JobSpec.Params p = JobSpec.parse("{\"name\":\"f\",\"algorithm\":\"fm\",\"dataset\":\"d\"}").params();
    assertEquals("adagrad", p.optimizer());
    assertEquals(0.03, p.learningRate());
    assertEquals(0.001, p.l2());
    assertEquals(50, p.threshold());
    assertEquals(500, p.batchSize());
  }

  @Test
  void aValueGivenOverridesItsDefaultOnly() {
    JobSpec.Params p = JobSpec.parse("{\"name\":\"f\",\"algorithm\":\"fm\",\"dataset\":\"d\","
        + "\"params\":{\"optimizer\":\"ftrl\",\"threshold\":0}}").params();
    assertEquals("ftrl", p.optimizer());
    assertEquals(0, p.threshold());
    assertEquals(0.03, p.learningRate());
    assertEquals(0.001, p.l2());
  }

  @Test
  void readsEveryFieldAndRoundTrips() {
    String json = "{\"name\":\"ctr-fm\",\"algorithm\":\"fm\",\"dataset\":\"ds_a\",\"validation\":{\"fraction\":0.1},"
        + "\"params\":{\"loss\":\"hinge\",\"optimizer\":\"adagrad\",\"learningRate\":0.05,\"l1\":1.0,\"l2\":0.5,"
        + "\"dim\":16,\"epochs\":7,\"batchSize\":256,\"hidden\":[],\"threshold\":3,\"hashBits\":24,\"seed\":42},"
        + "\"resources\":{\"workers\":4,\"servers\":2,\"gpus\":1},\"consistency\":{\"maxDelay\":-1},"
        + "\"stopping\":{\"maxSeconds\":60},\"priority\":-5}";
    JobSpec spec = JobSpec.parse(json);
    assertEquals(0.1, spec.validation().fraction());
    assertEquals("hinge", spec.params().loss());
    assertEquals(16, spec.params().dim());
    assertEquals(24, spec.params().hashBits());
    assertEquals(42L, spec.params().seed());
    assertEquals(-1, spec.consistency().maxDelay());
    assertEquals(-5, spec.priority());
    assertEquals(spec, JobSpec.parse(spec.toJson()));
    assertEquals(spec.toJson(), JobSpec.parse(spec.toJson()).toJson());

    JobSpec mlp = JobSpec.parse("{\"name\":\"m\",\"algorithm\":\"mlp\",\"dataset\":\"d\","
        + "\"validation\":{\"dataset\":\"ds_v\"},\"params\":{\"loss\":\"softmax\",\"hidden\":[128,32]}}");
    assertEquals(mlp, JobSpec.parse(mlp.toJson()));
    assertEquals("ds_v", JobSpec.parse(mlp.toJson()).validation().dataset());
  }

  @Test
  void rejectsMalformedJson() {
    SpecException e = rejected("{\"name\":");
    assertEquals("malformed_json", e.code());
    assertEquals("", e.field());
    assertEquals("malformed_json", rejected("").code());
    assertEquals("malformed_json", rejected(MINIMAL + " {}").code());
    SpecException dup = rejected("{\"name\":\"a\",\"name\":\"b\",\"algorithm\":\"fm\",\"dataset\":\"d\"}");
    assertEquals("malformed_json", dup.code());
    assertTrue(dup.getMessage().contains("name"), dup.getMessage());
  }

  @Test
  void rejectsUnknownFieldsAtEveryLevel() {
    SpecException top = rejected("{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"colour\":1}");
    assertEquals("unknown_field", top.code());
    assertEquals("colour", top.field());
    assertTrue(top.getMessage().contains("\"colour\""), top.getMessage());

    SpecException nested = rejected(withParams("\"batchsize\":10"));
    assertEquals("params.batchsize", nested.field());
    assertEquals("unknown_field", nested.code());

    assertEquals("resources.cpus",
        rejected("{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"resources\":{\"cpus\":1}}").field());
    assertEquals("validation.rows",
        rejected("{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"validation\":{\"rows\":1}}").field());
  }

  @Test
  void rejectsMissingRequiredFields() {
    SpecException e = rejected("{\"algorithm\":\"fm\",\"dataset\":\"d\"}");
    assertEquals("missing_field", e.code());
    assertEquals("name", e.field());
    assertEquals("dataset", rejected("{\"name\":\"a\",\"algorithm\":\"fm\"}").field());
    assertEquals("algorithm", rejected("{\"name\":\"a\",\"dataset\":\"d\"}").field());
  }

  @Test
  void rejectsWrongTypes() {
    SpecException e = rejected(withParams("\"batchSize\":\"big\""));
    assertEquals("invalid_type", e.code());
    assertEquals("params.batchSize", e.field());
    assertTrue(e.getMessage().contains("\"big\""), e.getMessage());
    assertEquals("params.epochs", rejected(withParams("\"epochs\":2.5")).field());
    assertEquals("params.learningRate", rejected(withParams("\"learningRate\":\"0.1\"")).field());
    assertEquals("params.hidden[1]", rejected(
        "{\"name\":\"m\",\"algorithm\":\"mlp\",\"dataset\":\"d\",\"params\":{\"hidden\":[8,\"x\"]}}").field());
    assertEquals("invalid_type", rejected("[1,2]").code());
    assertEquals("name", rejected("{\"name\":7,\"algorithm\":\"fm\",\"dataset\":\"d\"}").field());
    assertEquals("params", rejected("{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"params\":[]}").field());
    assertEquals("params.seed", rejected(withParams("\"seed\":1e3")).field());
  }

  @Test
  void rejectsOutOfRangeValuesNamingThem() {
    SpecException e = rejected(withParams("\"batchSize\":0"));
    assertEquals("out_of_range", e.code());
    assertEquals("params.batchSize", e.field());
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    assertEquals("params.learningRate", rejected(withParams("\"learningRate\":0")).field());
    assertEquals("params.l1", rejected(withParams("\"l1\":-1")).field());
    assertEquals("params.hashBits", rejected(withParams("\"hashBits\":41")).field());
    assertEquals("params.dim", rejected(withParams("\"dim\":0")).field());
    assertEquals("params.epochs", rejected(withParams("\"epochs\":99999999999")).field());
    assertEquals("consistency.maxDelay", rejected(
        "{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"consistency\":{\"maxDelay\":-2}}").field());
    assertEquals("resources.workers", rejected(
        "{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"resources\":{\"workers\":0}}").field());
    assertEquals("validation.fraction", rejected(
        "{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"validation\":{\"fraction\":0.9}}").field());
    assertEquals("name", rejected("{\"name\":\"  \",\"algorithm\":\"fm\",\"dataset\":\"d\"}").field());
    assertEquals("stopping.maxSeconds", rejected(
        "{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"stopping\":{\"maxSeconds\":0}}").field());
  }

  @Test
  void executorsSplitWorkersAndServersAndScaleTheDefaults() {
    JobSpec spec = JobSpec.parse("{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"resources\":{\"executors\":3}}");
    assertEquals(new JobSpec.Resources(6, 3, 0, 3), spec.resources());
    JobSpec.Resources r = new JobSpec.Resources(7, 4, 0, 3);
    // 7 workers over 3 members: 3, 2, 2 starting at 0, 3, 5; 4 servers: 2, 1, 1 at 0, 2, 3.
    assertEquals(List.of(3, 2, 2), List.of(r.workersOf(0), r.workersOf(1), r.workersOf(2)));
    assertEquals(List.of(0, 3, 5), List.of(r.firstOf(7, 0), r.firstOf(7, 1), r.firstOf(7, 2)));
    assertEquals(List.of(2, 1, 1), List.of(r.serversOf(0), r.serversOf(1), r.serversOf(2)));
    assertEquals(List.of(0, 2, 3), List.of(r.firstOf(4, 0), r.firstOf(4, 1), r.firstOf(4, 2)));
    assertEquals(spec, JobSpec.parse(spec.toJson()));
    SpecException e = rejected(
        "{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"resources\":{\"executors\":3,\"servers\":2}}");
    assertEquals("resources.servers", e.field());
    assertTrue(e.getMessage().contains("resources.executors (3)"), e.getMessage());
    assertEquals("resources.executors", rejected(
        "{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"resources\":{\"executors\":0}}").field());
  }

  @Test
  void checkpointSecondsDefaultsToFiveMinutes() {
    assertEquals(300L, JobSpec.parse("{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\"}").stopping().checkpointSeconds());
    assertEquals("stopping.checkpointSeconds", rejected(
        "{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"stopping\":{\"checkpointSeconds\":0}}").field());
  }

  @Test
  void rejectsInvalidChoices() {
    SpecException e = rejected("{\"name\":\"a\",\"algorithm\":\"svm\",\"dataset\":\"d\"}");
    assertEquals("invalid_value", e.code());
    assertEquals("algorithm", e.field());
    assertTrue(e.getMessage().contains("\"svm\""), e.getMessage());
    assertEquals("params.loss", rejected(withParams("\"loss\":\"softmax\"")).field());
    assertEquals("params.optimizer", rejected(withParams("\"optimizer\":\"lbfgs\"")).field());
    assertEquals("params.hidden", rejected(withParams("\"hidden\":[4]")).field());
    assertEquals("params.hidden", rejected(
        "{\"name\":\"m\",\"algorithm\":\"mlp\",\"dataset\":\"d\",\"params\":{\"hidden\":[]}}").field());
    assertEquals("params.optimizer", rejected(
        "{\"name\":\"m\",\"algorithm\":\"mlp\",\"dataset\":\"d\",\"params\":{\"optimizer\":\"ftrl\"}}").field());
    assertEquals("validation", rejected(
        "{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"validation\":{\"dataset\":\"v\",\"fraction\":0.1}}").field());
  }

  @Test
  void readsEarlyStoppingAndSchedules() {
    JobSpec spec = JobSpec.parse("{\"name\":\"a\",\"algorithm\":\"linear\",\"dataset\":\"d\","
        + "\"validation\":{\"fraction\":0.1},\"params\":{\"optimizer\":\"adagrad\",\"schedule\":\"cosine\","
        + "\"warmupSteps\":100},\"stopping\":{\"patience\":2,\"metric\":\"val_auc\"}}");
    assertEquals("cosine", spec.params().schedule());
    assertEquals(100, spec.params().warmupSteps());
    assertEquals(2, spec.stopping().patience());
    assertEquals("val_auc", spec.stopping().metric());
    assertEquals(spec, JobSpec.parse(spec.toJson()));
    JobSpec squared = JobSpec.parse("{\"name\":\"a\",\"algorithm\":\"linear\",\"dataset\":\"d\","
        + "\"validation\":{\"fraction\":0.1},\"params\":{\"loss\":\"squared\"},\"stopping\":{\"patience\":1}}");
    assertEquals("val_rmse", squared.stopping().metric());
  }

  @Test
  void rejectsEarlyStoppingWithoutValidationOrItsMetric() {
    SpecException e = rejected("{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"stopping\":{\"patience\":3}}");
    assertEquals("stopping.patience", e.field());
    assertEquals("invalid_value", e.code());
    assertTrue(e.getMessage().contains("validation"), e.getMessage());
    String v = "{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"validation\":{\"fraction\":0.1},";
    assertEquals("stopping.patience", rejected(v + "\"stopping\":{\"patience\":-1}}").field());
    assertEquals("stopping.metric", rejected(v + "\"stopping\":{\"patience\":1,\"metric\":\"val_f1\"}}").field());
    assertEquals("stopping.metric", rejected(v + "\"stopping\":{\"patience\":1,\"metric\":\"val_rmse\"}}").field());
    assertEquals("stopping.metric", rejected(v + "\"stopping\":{\"patience\":1,\"metric\":3}}").field());
    assertEquals("stopping.metric", rejected("{\"name\":\"m\",\"algorithm\":\"mlp\",\"dataset\":\"d\","
        + "\"validation\":{\"fraction\":0.1},\"params\":{\"loss\":\"softmax\"},"
        + "\"stopping\":{\"patience\":1,\"metric\":\"val_auc\"}}").field());
  }

  @Test
  void rejectsUnknownSchedulesAndSchedulesForFtrl() {
    assertEquals("params.schedule", rejected(withParams("\"optimizer\":\"adagrad\",\"schedule\":\"step\"")).field());
    assertEquals("params.warmupSteps", rejected(withParams("\"optimizer\":\"adagrad\",\"warmupSteps\":-1")).field());
    SpecException e = rejected(withParams("\"optimizer\":\"ftrl\",\"schedule\":\"cosine\""));
    assertEquals("params.schedule", e.field());
    assertTrue(e.getMessage().contains("ftrl"), e.getMessage());
    assertEquals("params.warmupSteps", rejected(withParams("\"optimizer\":\"ftrl\",\"warmupSteps\":10")).field());
  }

  @Test
  void nullValidationMeansNone() {
    assertNull(JobSpec.parse("{\"name\":\"a\",\"algorithm\":\"fm\",\"dataset\":\"d\",\"validation\":null}").validation());
  }

  @Test
  void paramsStayImmutable() {
    JobSpec spec = JobSpec.parse("{\"name\":\"m\",\"algorithm\":\"mlp\",\"dataset\":\"d\",\"params\":{\"hidden\":[8]}}");
    spec.params().hidden()[0] = 99;
    assertEquals(8, spec.params().hidden(0));
  }
}
