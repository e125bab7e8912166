package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir
  Path home;

  @Test
  void optionBeatsEnvironmentBeatsConfigFileBeatsDefault() throws IOException {
    Map<String, String> bare = Map.of("TRAINYARD_HOME", home.toString());
    Settings d = Settings.resolve(null, null, bare);
    assertEquals("http://localhost:8080", d.url().toString());
    assertNull(d.token());

    Files.writeString(home.resolve("config"), "url=http://file:1/\ntoken=from-file\n");
    Settings f = Settings.resolve(null, null, bare);
    assertEquals("http://file:1", f.url().toString());
    assertEquals("from-file", f.token());

    Map<String, String> env = Map.of("TRAINYARD_HOME", home.toString(),
        "TRAINYARD_URL", "http://env:2", "TRAINYARD_TOKEN", "from-env");
    Settings e = Settings.resolve(null, null, env);
    assertEquals("http://env:2", e.url().toString());
    assertEquals("from-env", e.token());

    Settings o = Settings.resolve("https://opt:3//", "from-option", env);
    assertEquals("https://opt:3", o.url().toString());
    assertEquals("from-option", o.token());
  }

  @Test
  void aConfigFileThatIsNotTextIsAUsageErrorSayingSo() throws IOException {
    Files.write(home.resolve("config"), new byte[] {0, (byte) 0xff, (byte) 0xfe});
    CliException e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
        () -> Settings.resolve(null, null, Map.of("TRAINYARD_HOME", home.toString())));
    assertEquals("cannot read " + home.resolve("config") + ": it is not UTF-8 text (key=value lines)", e.getMessage());
  }

  @Test
  void namesAndFormatsFromFileNames() {
    assertEquals("clicks", DatasetsCommand.nameOf(Path.of("/d/clicks.libsvm.gz")));
    assertEquals("libsvm", DatasetsCommand.formatOf(Path.of("/d/clicks.libsvm.gz")));
    assertEquals("csv", DatasetsCommand.formatOf(Path.of("t.CSV.gz")));
    assertEquals("noext", DatasetsCommand.nameOf(Path.of("noext")));
  }

  @Test
  void downloadNamesCannotEscapeTheDirectory() {
    assertEquals("model.bin", ModelsCommand.fileName("attachment; filename=\"model.bin\"", "m_1"));
    assertEquals("passwd", ModelsCommand.fileName("attachment; filename=\"../../etc/passwd\"", "m_1"));
    assertEquals("m_1.bin", ModelsCommand.fileName("attachment; filename=\".bashrc\"", "m_1"));
    assertEquals("m_1.bin", ModelsCommand.fileName("", "m_1"));
  }
}
