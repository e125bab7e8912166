package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds a job spec (DESIGN.md's one shape) from a file and/or {@code --set key=value} options.
 * A bare key is placed where the spec keeps it ({@code dim} → {@code params.dim}); a dotted key
 * is taken as a path ({@code resources.workers}). Ranges are the server's to check: it answers
 * with a problem naming the field, so the CLI does not keep a second copy of the rules.
 */
public final class SpecBuilder {
  /** Bare keys and the path they stand for, in the order {@code --help} lists them. */
  static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    for (String k : List.of("name", "algorithm", "dataset", "priority")) {
      KEYS.put(k, k);
    }
    for (String k : List.of("loss", "optimizer", "learningRate", "l1", "l2", "dim", "epochs",
        "batchSize", "hidden", "threshold", "hashBits", "seed", "schedule", "warmupSteps")) {
      KEYS.put(k, "params." + k);
    }
    for (String k : List.of("workers", "servers", "gpus", "executors")) {
      KEYS.put(k, "resources." + k);
    }
    KEYS.put("maxDelay", "consistency.maxDelay");
    for (String k : List.of("maxSeconds", "checkpointSeconds", "patience", "metric")) {
      KEYS.put(k, "stopping." + k);
    }
    KEYS.put("fraction", "validation.fraction");
    KEYS.put("validationDataset", "validation.dataset");
  }

  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?");
  private static final Pattern INT_LIST = Pattern.compile("\\d+(,\\d+)+");
  private static final Pattern PATH = Pattern.compile("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*");

  private SpecBuilder() {}

  /**
   * @param base      the spec from a file, or null
   * @param algorithm {@code --algorithm}, or null
   * @param dataset   {@code --dataset}, or null
   * @param name      {@code --name}, or null (defaults to "algorithm-dataset" for a spec built
   *                  from options only)
   * @param sets      {@code --set} values, applied in order (a later one wins)
   */
  public static ObjectNode build(JsonNode base, String algorithm, String dataset, String name,
      List<String> sets) {
    ObjectNode spec;
    if (base == null) {
      spec = JsonNodeFactory.instance.objectNode();
    } else if (base.isObject()) {
      spec = ((ObjectNode) base).deepCopy();
    } else {
      throw CliException.usage("a job spec must be a JSON object, got " + base.getNodeType().name().toLowerCase());
    }
    if (algorithm != null) {
      spec.put("algorithm", algorithm);
    }
    if (dataset != null) {
      spec.put("dataset", dataset);
    }
    if (name != null) {
      spec.put("name", name);
    }
    for (String s : sets) {
      apply(spec, s);
    }
    if (!spec.hasNonNull("algorithm")) {
      throw CliException.usage("the spec has no algorithm: give --algorithm (linear, fm or mlp) or a SPEC.json");
    }
    if (!spec.hasNonNull("dataset")) {
      throw CliException.usage("the spec has no dataset: give --dataset ID or a SPEC.json");
    }
    if (base == null && !spec.hasNonNull("name")) {
      spec.put("name", spec.get("algorithm").asText() + "-" + spec.get("dataset").asText());
    }
    return spec;
  }

  static void apply(ObjectNode spec, String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw CliException.usage("--set expects key=value, got '" + assignment + "'");
    }
    String key = assignment.substring(0, eq).trim();
    String raw = assignment.substring(eq + 1).trim();
    String path = resolve(key);
    String[] parts = path.split("\\.");
    ObjectNode node = spec;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || !child.isObject()) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    node.set(parts[parts.length - 1], value(raw));
  }

  static String resolve(String key) {
    if (key.contains(".")) {
      if (!PATH.matcher(key).matches()) {
        throw CliException.usage("--set key '" + key + "' is not a path like params.dim");
      }
      return key;
    }
    String path = KEYS.get(key);
    if (path == null) {
      throw CliException.usage("unknown --set key '" + key + "'; known keys: "
          + String.join(", ", KEYS.keySet()) + " (or a dotted path such as params.dim)");
    }
    return path;
  }

  /** true/false, an integer, a decimal, 64,32 (an integer list), JSON in [] or {}, else text. */
  static JsonNode value(String raw) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (raw.equals("true") || raw.equals("false")) {
      return f.booleanNode(Boolean.parseBoolean(raw));
    }
    if (INTEGER.matcher(raw).matches()) {
      return f.numberNode(Long.parseLong(raw));
    }
    if (DECIMAL.matcher(raw).matches()) {
      return f.numberNode(Double.parseDouble(raw));
    }
    if (INT_LIST.matcher(raw).matches()) {
      ArrayNode a = f.arrayNode();
      for (String p : raw.split(",")) {
        a.add(Long.parseLong(p));
      }
      return a;
    }
    if (raw.startsWith("[") || raw.startsWith("{")) {
      JsonNode parsed = Json.parseLenient(raw);
      if (parsed.isMissingNode()) {
        throw CliException.usage("--set value is not valid JSON: " + raw);
      }
      return parsed;
    }
    return f.textNode(raw);
  }
}
