package trainyard.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import trainyard.engine.data.CsrBlock;
import trainyard.engine.data.Format;
import trainyard.engine.data.Parsers;
import trainyard.engine.testing.Synthetic;

/**
 * Model files written by engine 0.1.0 (format version 1), checked in: later engines must load
 * them and predict the same values. Never regenerate these files; add new ones for new versions.
 */
class OldModelFilesTest {
  static Path fixture(String name) throws URISyntaxException {
    return Path.of(OldModelFilesTest.class.getResource("/fixtures/" + name).toURI());
  }

  static CsrBlock lastRows() throws Exception {
    try (Reader r = new InputStreamReader(OldModelFilesTest.class.getResourceAsStream("/fixtures/ctr-300.libsvm"),
        StandardCharsets.UTF_8)) {
      return Synthetic.tail(Parsers.parse(r, Format.LIBSVM, 0), 295);
    }
  }

  @Test
  void linearV1() throws Exception {
    Model m = Model.load(fixture("linear-v1.bin"));
    assertEquals("linear", m.info().algorithm());
    assertEquals(74, m.info().keys());
    assertEquals("0.1.0", m.info().engineVersion());
    assertEquals(3, m.info().seed());
    assertTrue(m.info().specJson().contains("\"optimizer\":\"ftrl\""), m.info().specJson());
    assertArrayEquals(new float[] {0.3183682f, 0.32167685f, 0.30311954f, 0.35688847f, 0.3494373f},
        m.predict(lastRows()));
  }

  @Test
  void fmV1() throws Exception {
    FmModel m = (FmModel) Model.load(fixture("fm-v1.bin"));
    assertEquals(69, m.info().keys());
    assertEquals(2, m.dim());
    assertTrue(m.embeddings() > 0);
    assertArrayEquals(new float[] {0.25738764f, 0.35244405f, 0.1951583f, 0.3288799f, 0.2733655f},
        m.predict(lastRows()));
  }

  @Test
  void mlpV1() throws Exception {
    MlpModel m = (MlpModel) Model.load(fixture("mlp-v1.bin"));
    assertArrayEquals(new int[] {3, 4, 3}, m.sizes());
    float[][] x = {{0.5f, -1f, 2f}, {1f, 0f, -0.5f}, {0f, 0.3f, 0.2f}, {-1f, -1f, 1f}};
    float[] p = m.predict(Synthetic.dense(4, x, new float[4]));
    assertArrayEquals(new float[] {0.23227592f, 0.48905295f, 0.2786711f, 0.36328012f, 0.39005688f, 0.24666297f,
        0.31662452f, 0.35552788f, 0.32784757f, 0.10688311f, 0.6831554f, 0.20996147f}, p, Arrays.toString(p));
  }
}
