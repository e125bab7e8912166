package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.testing.Specs;
import trainyard.engine.testing.Synthetic;
import trainyard.engine.train.TrainListener;
import trainyard.engine.train.TrainRequest;
import trainyard.engine.train.Trainer;

class ModelFileTest {
  @TempDir
  Path dir;

  static Model trained() throws IOException {
    CsrBlock data = Synthetic.sparseBinary(2000, 300, 10, 0.3, 11);
    return Trainer.train(new TrainRequest(Specs.linear("ftrl", 0.2, 2, 50, 2, 2, 1), MemoryDataset.of(data), null, null),
        TrainListener.NONE, () -> false).model();
  }

  @Test
  void savesAndLoadsBitExactlyWithProvenance() throws IOException {
    Model model = trained(); // kept in the file it was exported to
    Path file = dir.resolve("models/model.bin");
    model.save(file);
    Model back = Model.load(file);
    assertEquals(model.info(), back.info());
    assertTrue(back.info().specJson().contains("\"algorithm\":\"linear\""), back.info().specJson());
    assertEquals(ModelInfo.ENGINE_VERSION, back.info().engineVersion());
    CsrBlock rows = Synthetic.sparseBinary(100, 300, 10, 0.3, 12);
    assertArrayEquals(model.predict(rows), back.predict(rows));
    Path again = dir.resolve("again.bin");
    back.save(again); // written from the heap this time
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));
    LinearModel a = (LinearModel) back;
    LinearModel b = (LinearModel) Model.load(again);
    assertArrayEquals(a.keys(), b.keys());
    float[] wa = a.weights();
    float[] wb = b.weights();
    for (int i = 0; i < wa.length; i++) {
      assertEquals(Float.floatToRawIntBits(wa[i]), Float.floatToRawIntBits(wb[i]));
    }
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var list = Files.list(file.getParent())) {
      assertEquals(1, list.count(), "no temporary file is left behind");
    }
  }

  @Test
  void rejectsCorruptTruncatedAndForeignFiles() throws IOException {
    Path file = dir.resolve("m.bin");
    trained().save(file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    IOException e = assertThrows(IOException.class, () -> Model.load(file));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());

    Files.write(file, java.util.Arrays.copyOf(bytes, 40));
    e = assertThrows(IOException.class, () -> Model.load(file));
    assertTrue(e.getMessage().contains("m.bin"), e.getMessage());

    Files.writeString(file, "label,f1\n1,2\n");
    e = assertThrows(IOException.class, () -> Model.load(file));
    assertTrue(e.getMessage().contains("not a Trainyard model file"), e.getMessage());

    Files.writeString(file, "1 5");
    e = assertThrows(IOException.class, () -> Model.load(file));
    assertTrue(e.getMessage().contains("not a Trainyard model file"), "shorter than the magic: " + e.getMessage());

    byte[] good = Files.readAllBytes(saved());
    Files.write(file, java.util.Arrays.copyOf(good, 6));
    e = assertThrows(IOException.class, () -> Model.load(file));
    assertTrue(e.getMessage().contains("truncated"), "the magic's start and no more: " + e.getMessage());

    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    Files.write(file, longer);
    e = assertThrows(IOException.class, () -> Model.load(file));
    assertTrue(e.getMessage().contains("corrupt"), "a byte after the checksum: " + e.getMessage());
  }

  private Path saved() throws IOException {
    Path file = dir.resolve("good.bin");
    trained().save(file);
    return file;
  }

  /**
   * The header alone gives a model's info without reading its weights: a file cut right after its
   * header (every weight missing) still gives it, while a foreign file does not.
   */
  @Test
  void theInfoIsReadFromTheHeaderAlone() throws IOException {
    Model model = trained();
    Path file = dir.resolve("m.bin");
    model.save(file);
    ModelInfo info = model.info();
    int header = Model.MAGIC.length + 4 + 4 + info.algorithm().length() + 8 + 4 + 4 + info.specJson().getBytes(
        java.nio.charset.StandardCharsets.UTF_8).length + 4 + info.datasetChecksum().length() + 8 + 4
        + info.engineVersion().length();
    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), header));
    assertEquals(info, Model.readInfo(file));
    assertThrows(IOException.class, () -> Model.load(file));

    Files.writeString(file, "label,f1\n1,2\n");
    IOException e = assertThrows(IOException.class, () -> Model.readInfo(file));
    assertTrue(e.getMessage().contains("not a Trainyard model file"), e.getMessage());
  }
}
