package trainyard.api;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * The parts of a docker-compose.yml that {@link DistributedIT} runs without Docker and
 * {@link ComposeFileTest} checks: the services, their environment (anchors and {@code <<} merge
 * keys resolved by SnakeYAML, {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}},
 * {@code ${VAR:?error}}, {@code ${VAR?error}} and {@code $$} interpolated as compose does, a
 * required variable unset failing as compose fails) and their named-volume mounts; and a
 * {@code .env} file's variables. Anything else compose would interpolate is refused, so that a
 * change to the file is noticed rather than half-understood. Immutable.
 */
public final class ComposeFile {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  private final Map<String, Map<String, Object>> services;

  private ComposeFile(Map<String, Map<String, Object>> services) {
    this.services = services;
  }

  @SuppressWarnings("unchecked")
  public static ComposeFile load(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file)) {
      Map<String, Object> root = new Yaml().load(in);
      Object services = root.get("services");
      if (!(services instanceof Map)) {
        throw new IllegalArgumentException(file + " has no services mapping");
      }
      return new ComposeFile((Map<String, Map<String, Object>>) services);
    }
  }

  List<String> services() {
    return new ArrayList<>(services.keySet());
  }

  /** A top-level key of a service ({@code image}, {@code build}, ...), or null. */
  Object get(String service, String key) {
    return service(service).get(key);
  }

  /** A {@code .env} file's variables: {@code KEY=value} lines; blank lines and {@code #} comments skipped. */
  public static Map<String, String> dotEnv(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(file + ": not KEY=value: " + line);
      }
      out.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
    }
    return out;
  }

  /** The service's environment as written, before interpolation. */
  Map<String, String> rawEnvironment(String service) {
    Object env = service(service).get("environment");
    if (env == null) {
      return Map.of();
    }
    if (!(env instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("service " + service + ": environment must be a mapping, got " + env);
    }
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    return out;
  }

  /** The service's environment, interpolated with {@code variables} (the shell or .env of compose). */
  public Map<String, String> environment(String service, Map<String, String> variables) {
    Map<String, String> out = new LinkedHashMap<>();
    rawEnvironment(service).forEach((k, v) -> out.put(k, interpolate(v, variables)));
    return out;
  }

  /** Named volumes mounted by the service: volume name to the path inside the container. */
  public Map<String, String> volumeMounts(String service) {
    Map<String, String> out = new LinkedHashMap<>();
    Object volumes = service(service).get("volumes");
    if (volumes instanceof List<?> list) {
      for (Object v : list) {
        String[] parts = String.valueOf(v).split(":");
        if (parts.length < 2) {
          throw new IllegalArgumentException("service " + service + ": cannot read the volume " + v);
        }
        out.put(parts[0], parts[1]);
      }
    }
    return out;
  }

  static String interpolate(String value, Map<String, String> variables) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else {
        String set = variables.get(m.group(1));
        String operator = m.group(2);
        boolean missing = operator == null ? false
            : operator.startsWith(":") ? set == null || set.isEmpty() : set == null;
        if (missing && operator.endsWith("?")) {
          throw new IllegalArgumentException("required variable " + m.group(1) + " is missing a value: " + m.group(3));
        }
        replacement = missing ? m.group(3) : set == null ? "" : set;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    String result = out.toString();
    if (result.contains("${")) {
      throw new IllegalArgumentException("cannot interpolate " + value
          + " (only ${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:?x}, ${VAR?x}, $$)");
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> service(String name) {
    Map<String, Object> s = services.get(name);
    if (s == null) {
      throw new IllegalArgumentException("docker-compose.yml has no service " + name + "; it has " + services.keySet());
    }
    return s;
  }
}
