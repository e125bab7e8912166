package trainyard.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard has no build step, so nothing else notices a broken link between its files:
 * every file index.html names and every module an ES module imports must exist. (What the
 * pages do is checked by the browser tests that run against a server.)
 */
class AssetsTest {
  private static final Path ROOT = Path.of("src/main/resources/META-INF/resources");
  private static final Pattern HTML_REF = Pattern.compile("(?:href|src)=\"(/[^\"]+)\"");
  private static final Pattern IMPORT = Pattern.compile(
      "(?:import\\s[^'\"]*?from\\s*|import\\()\\s*['\"`](\\.{1,2}/[^'\"`$]+)['\"`]");
  private static final Pattern DYNAMIC_VIEW = Pattern.compile("import\\(`\\./views/\\$\\{view\\}\\.js`\\)");
  private static final Pattern ROUTE_VIEW = Pattern.compile("\\[/\\^#[^,]+, '([a-z]+)', '[a-z]+'\\]");

  @Test
  void everyFileIndexHtmlNamesExists() throws IOException {
    String html = Files.readString(ROOT.resolve("index.html"));
    Matcher m = HTML_REF.matcher(html);
    int n = 0;
    while (m.find()) {
      Path p = ROOT.resolve(m.group(1).substring(1));
      assertTrue(Files.isRegularFile(p), "index.html names " + m.group(1) + ", which does not exist");
      n++;
    }
    assertTrue(n >= 3, "index.html should name its stylesheet and modules, found " + n);
  }

  @Test
  void everyImportResolves() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path js : files.filter(p -> p.toString().endsWith(".js")).toList()) {
        Matcher m = IMPORT.matcher(Files.readString(js));
        while (m.find()) {
          Path target = js.getParent().resolve(m.group(1)).normalize();
          if (!Files.isRegularFile(target)) {
            missing.add(ROOT.relativize(js) + " imports " + m.group(1));
          }
        }
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void everyRoutedViewExists() throws IOException {
    String app = Files.readString(ROOT.resolve("assets/app.js"));
    assertTrue(DYNAMIC_VIEW.matcher(app).find(), "app.js loads views by name");
    Matcher m = ROUTE_VIEW.matcher(app);
    int n = 0;
    while (m.find()) {
      Path view = ROOT.resolve("assets/views/" + m.group(1) + ".js");
      assertTrue(Files.isRegularFile(view), "route to missing view " + view);
      assertTrue(Files.readString(view).contains("export async function render("),
          view + " must export render()");
      n++;
    }
    assertEquals(12, n, "routes found in app.js");
  }
}
