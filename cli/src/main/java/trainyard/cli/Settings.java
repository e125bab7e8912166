package trainyard.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where the server is and who we are. Each value comes from the first of: the command-line
 * option, the environment ({@code TRAINYARD_URL}, {@code TRAINYARD_TOKEN}), the config file
 * ({@code ~/.trainyard/config}, properties {@code url=} and {@code token=}), the default.
 */
public record Settings(URI url, String token, Path home) {
  public static final String DEFAULT_URL = "http://localhost:8080";

  /** The directory for config and upload state: {@code TRAINYARD_HOME} or {@code ~/.trainyard}. */
  public static Path home(Map<String, String> env) {
    String h = env.get("TRAINYARD_HOME");
    if (h != null && !h.isBlank()) {
      return Path.of(h);
    }
    return Path.of(System.getProperty("user.home"), ".trainyard");
  }

  public static Settings resolve(String urlOption, String tokenOption, Map<String, String> env) {
    Path home = home(env);
    Properties file = readConfig(home.resolve("config"));
    String url = first(urlOption, env.get("TRAINYARD_URL"), file.getProperty("url"), DEFAULT_URL);
    String token = first(tokenOption, env.get("TRAINYARD_TOKEN"), file.getProperty("token"), null);
    return new Settings(parseUrl(url), token, home);
  }

  static URI parseUrl(String url) {
    String trimmed = url.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("server URL is not a URL: '" + url + "'");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw CliException.usage("server URL must be http(s)://host[:port], got '" + url + "'");
    }
    return uri;
  }

  /** The token, or a usage error saying where to put one. */
  public String requireToken() {
    if (token == null || token.isBlank()) {
      throw CliException.usage(
          "no token: set TRAINYARD_TOKEN, pass --token, or write token=... in " + home.resolve("config"));
    }
    return token;
  }

  private static Properties readConfig(Path file) {
    Properties p = new Properties();
    if (Files.isRegularFile(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (CharacterCodingException e) {
        throw CliException.usage("cannot read " + file + ": it is not UTF-8 text (key=value lines)");
      } catch (IOException e) {
        throw CliException.usage("cannot read " + file + ": " + e.getMessage());
      }
    }
    return p;
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }
}
