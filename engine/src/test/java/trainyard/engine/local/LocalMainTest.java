package trainyard.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.model.Model;

class LocalMainTest {
  @TempDir
  Path tmp;
  private Path train;
  private Path test;
  private Path spec;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void files() throws IOException {
    CtrGenerator gen = new CtrGenerator(5);
    train = tmp.resolve("train.libsvm");
    test = tmp.resolve("test.libsvm");
    try (OutputStream o = Files.newOutputStream(train)) {
      gen.writeLibsvm(o, 0, 3000);
    }
    try (OutputStream o = Files.newOutputStream(test)) {
      gen.writeLibsvm(o, 3000, 500);
    }
    spec = tmp.resolve("spec.json");
    Files.writeString(spec, "{\"name\":\"local\",\"algorithm\":\"linear\","
        + "\"params\":{\"epochs\":2,\"batchSize\":100,\"hashBits\":18},\"resources\":{\"workers\":1}}");
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return LocalMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String errText() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private void assertOneLineError(int expectedCode, int code, String fragment) {
    assertEquals(expectedCode, code, errText());
    String text = errText();
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("trainyard-local: "), text);
    assertTrue(text.contains(fragment), text);
  }

  @Test
  void trainsSavesAndPredicts() throws IOException {
    Path model = tmp.resolve("out/model.bin");
    assertEquals(0, run("train", "--spec", spec.toString(), "--data", train.toString(), "--validation",
        test.toString(), "--model", model.toString()), errText());
    assertTrue(errText().contains("epoch 2"), errText());
    assertTrue(errText().contains("val_auc"), errText());
    assertEquals(18, Model.load(model).info().hashBits());
    try (var files = Files.list(model.getParent())) {
      assertEquals(List.of(model), files.toList(), "temporary shards are removed");
    }

    Path predictions = tmp.resolve("p.txt");
    assertEquals(0, run("predict", "--model", model.toString(), "--data", test.toString(), "--out",
        predictions.toString()), errText());
    List<String> lines = Files.readAllLines(predictions);
    assertEquals(500, lines.size());
    for (String l : lines) {
      float p = Float.parseFloat(l);
      assertTrue(p >= 0 && p <= 1, l);
    }
    assertTrue(errText().startsWith("500 rows, val_logloss "), errText());
    double auc = Double.parseDouble(errText().replaceAll("(?s).*val_auc ([0-9.]+).*", "$1"));
    assertTrue(auc > 0.6, "test AUC " + auc);
  }

  @Test
  void predictsUnlabelledRowsToStdout() throws IOException {
    Path model = tmp.resolve("m.bin");
    assertEquals(0, run("train", "--spec", spec.toString(), "--data", train.toString(), "--model", model.toString()));
    Path rows = tmp.resolve("rows.txt");
    Files.writeString(rows, "5:1 9:1\n3:1\n");
    assertEquals(0, run("predict", "--model", model.toString(), "--data", rows.toString()), errText());
    assertEquals(2, out.toString(StandardCharsets.UTF_8).lines().count());
    assertEquals("2 rows", errText().trim());
  }

  @Test
  void badInputGivesOneLineAndExitTwo() throws IOException {
    Path model = tmp.resolve("m.bin");
    assertOneLineError(2, run("train", "--spec", spec.toString(), "--model", model.toString()), "--data is required");
    assertOneLineError(2, run("fit"), "unknown command \"fit\"");
    assertOneLineError(2, run("train", "--spec", spec.toString(), "--data", train.toString(), "--model",
        model.toString(), "--epochs", "3"), "unknown option \"--epochs\"");
    assertOneLineError(2, run("train", "--spec", tmp.resolve("none.json").toString(), "--data", train.toString(),
        "--model", model.toString()), "no such file: ");

    Files.writeString(spec, "{\"name\":\"x\",\"algorithm\":\"linear\",\"params\":{\"batchSize\":0}}");
    assertOneLineError(2, run("train", "--spec", spec.toString(), "--data", train.toString(), "--model",
        model.toString()), "spec.json: params.batchSize must be in 1..1000000, got 0");

    Files.writeString(spec, "{\"name\":\"x\",\"algorithm\":\"linear\"}");
    Path bad = tmp.resolve("bad.libsvm");
    Files.writeString(bad, "1 1:1\n0 2:1\n1 3:x\n");
    assertOneLineError(2, run("train", "--spec", spec.toString(), "--data", bad.toString(), "--model",
        model.toString()), "bad.libsvm: line 3, column 5: value \"x\" is not a finite number");
    assertOneLineError(2, run("train", "--spec", spec.toString(), "--data", train.toString(), "--model",
        model.toString(), "--format", "parquet"), "unknown format \"parquet\"");
    assertFalse(Files.exists(model));
    try (var files = Files.list(tmp)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".trainyard-local-")));
    }
  }

  @Test
  void predictWithABadLineLeavesNoOutput() throws IOException {
    Path model = tmp.resolve("m.bin");
    assertEquals(0, run("train", "--spec", spec.toString(), "--data", train.toString(), "--model", model.toString()));
    Path rows = tmp.resolve("rows.txt");
    Files.writeString(rows, "1 5:1\n1 5:\n");
    Path predictions = tmp.resolve("p.txt");
    assertOneLineError(2, run("predict", "--model", model.toString(), "--data", rows.toString(), "--out",
        predictions.toString()), "rows.txt: line 2, column 5");
    assertFalse(Files.exists(predictions));
    assertOneLineError(1, run("predict", "--model", rows.toString(), "--data", rows.toString()), "not a Trainyard model");
  }
}
