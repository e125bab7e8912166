package trainyard.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON form of {@link JobSpec}: strict reading (every object's keys are checked against the
 * keys it may have, every value's JSON type against the field's) and writing. Stateless and
 * thread-safe.
 */
final class SpecJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final List<String> TOP = List.of("name", "algorithm", "dataset", "validation", "params",
      "resources", "consistency", "stopping", "priority");
  private static final List<String> VALIDATION = List.of("dataset", "fraction");
  private static final List<String> PARAMS = List.of("loss", "optimizer", "learningRate", "l1", "l2", "dim",
      "epochs", "batchSize", "hidden", "threshold", "hashBits", "seed", "schedule", "warmupSteps");
  private static final List<String> RESOURCES = List.of("workers", "servers", "gpus", "executors");
  private static final List<String> CONSISTENCY = List.of("maxDelay");
  private static final List<String> STOPPING = List.of("maxSeconds", "checkpointSeconds", "patience", "metric");

  private SpecJson() {}

  static JobSpec parse(String json) {
    if (json == null || json.isBlank()) {
      throw new SpecException("", SpecException.MALFORMED_JSON, "the job spec is empty");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new SpecException("", SpecException.MALFORMED_JSON,
          "the job spec is not valid JSON" + where + ": " + e.getOriginalMessage());
    }
    ObjectNode top = object(root, "");
    checkKeys(top, "", TOP);
    String name = text(top, "", "name", true);
    String algorithm = text(top, "", "algorithm", true);
    Checks.oneOf("algorithm", algorithm, JobSpec.ALGORITHMS);
    String dataset = text(top, "", "dataset", true);
    JobSpec.Validation validation = validation(top.get("validation"));
    JobSpec.Params params = params(top.get("params"), algorithm);
    ObjectNode r = optionalObject(top.get("resources"), "resources", RESOURCES);
    int executors = intValue(r, "resources", "executors", 1);
    // Defaults scale with the executors: two workers and one server on each.
    JobSpec.Resources resources = new JobSpec.Resources(
        intValue(r, "resources", "workers", 2 * executors), intValue(r, "resources", "servers", executors),
        intValue(r, "resources", "gpus", 0), executors);
    ObjectNode c = optionalObject(top.get("consistency"), "consistency", CONSISTENCY);
    JobSpec.Consistency consistency = new JobSpec.Consistency(intValue(c, "consistency", "maxDelay", 4));
    ObjectNode s = optionalObject(top.get("stopping"), "stopping", STOPPING);
    String metric = text(s, "stopping", "metric", false);
    JobSpec.Stopping stopping = new JobSpec.Stopping(longValue(s, "stopping", "maxSeconds", 3600),
        longValue(s, "stopping", "checkpointSeconds", JobSpec.Stopping.DEFAULT_CHECKPOINT_SECONDS),
        intValue(s, "stopping", "patience", 0),
        metric == null ? JobSpec.Stopping.defaultMetric(params.loss()) : metric);
    int priority = intValue(top, "", "priority", 0);
    return new JobSpec(name, algorithm, dataset, validation, params, resources, consistency, stopping, priority);
  }

  private static JobSpec.Validation validation(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    ObjectNode v = object(node, "validation");
    checkKeys(v, "validation", VALIDATION);
    String dataset = text(v, "validation", "dataset", false);
    JsonNode f = v.get("fraction");
    Double fraction = null;
    if (f != null) {
      if (!f.isNumber()) {
        throw typeError("validation.fraction", "a number", f);
      }
      fraction = f.doubleValue();
    }
    return new JobSpec.Validation(dataset, fraction);
  }

  private static JobSpec.Params params(JsonNode node, String algorithm) {
    JobSpec.Params d = JobSpec.Params.defaults(algorithm);
    ObjectNode p = optionalObject(node, "params", PARAMS);
    String loss = text(p, "params", "loss", false);
    String optimizer = text(p, "params", "optimizer", false);
    String schedule = text(p, "params", "schedule", false);
    return new JobSpec.Params(
        loss == null ? d.loss() : loss,
        optimizer == null ? d.optimizer() : optimizer,
        doubleValue(p, "params", "learningRate", d.learningRate()),
        doubleValue(p, "params", "l1", d.l1()),
        doubleValue(p, "params", "l2", d.l2()),
        intValue(p, "params", "dim", d.dim()),
        intValue(p, "params", "epochs", d.epochs()),
        intValue(p, "params", "batchSize", d.batchSize()),
        intArray(p, "params", "hidden", d.hidden()),
        intValue(p, "params", "threshold", d.threshold()),
        intValue(p, "params", "hashBits", d.hashBits()),
        longValue(p, "params", "seed", d.seed()),
        schedule == null ? d.schedule() : schedule,
        intValue(p, "params", "warmupSteps", d.warmupSteps()));
  }

  static String write(JobSpec spec) {
    ObjectNode top = MAPPER.createObjectNode();
    top.put("name", spec.name());
    top.put("algorithm", spec.algorithm());
    top.put("dataset", spec.dataset());
    if (spec.validation() != null) {
      ObjectNode v = top.putObject("validation");
      if (spec.validation().dataset() != null) {
        v.put("dataset", spec.validation().dataset());
      } else {
        v.put("fraction", spec.validation().fraction());
      }
    }
    JobSpec.Params p = spec.params();
    ObjectNode pn = top.putObject("params");
    pn.put("loss", p.loss());
    pn.put("optimizer", p.optimizer());
    pn.put("learningRate", p.learningRate());
    pn.put("l1", p.l1());
    pn.put("l2", p.l2());
    pn.put("dim", p.dim());
    pn.put("epochs", p.epochs());
    pn.put("batchSize", p.batchSize());
    ArrayNode hidden = pn.putArray("hidden");
    for (int i = 0; i < p.hiddenSize(); i++) {
      hidden.add(p.hidden(i));
    }
    pn.put("threshold", p.threshold());
    pn.put("hashBits", p.hashBits());
    pn.put("seed", p.seed());
    pn.put("schedule", p.schedule());
    pn.put("warmupSteps", p.warmupSteps());
    ObjectNode r = top.putObject("resources");
    r.put("workers", spec.resources().workers());
    r.put("servers", spec.resources().servers());
    r.put("gpus", spec.resources().gpus());
    r.put("executors", spec.resources().executors());
    top.putObject("consistency").put("maxDelay", spec.consistency().maxDelay());
    ObjectNode st = top.putObject("stopping");
    st.put("maxSeconds", spec.stopping().maxSeconds());
    st.put("checkpointSeconds", spec.stopping().checkpointSeconds());
    st.put("patience", spec.stopping().patience());
    st.put("metric", spec.stopping().metric());
    top.put("priority", spec.priority());
    return top.toString();
  }

  private static String path(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  private static ObjectNode object(JsonNode node, String path) {
    if (!(node instanceof ObjectNode o)) {
      throw typeError(path.isEmpty() ? "" : path, "an object", node);
    }
    return o;
  }

  /** A missing section means "all defaults": an empty object. */
  private static ObjectNode optionalObject(JsonNode node, String path, List<String> keys) {
    if (node == null) {
      return MAPPER.createObjectNode();
    }
    ObjectNode o = object(node, path);
    checkKeys(o, path, keys);
    return o;
  }

  private static void checkKeys(ObjectNode node, String path, List<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!allowed.contains(key)) {
        String where = path.isEmpty() ? "the job spec" : path;
        throw new SpecException(path(path, key), SpecException.UNKNOWN_FIELD,
            "unknown field \"" + Checks.abbreviate(key) + "\" in " + where + "; allowed: " + String.join(", ", allowed));
      }
    }
  }

  private static String text(ObjectNode o, String parent, String key, boolean required) {
    JsonNode n = o.get(key);
    String path = path(parent, key);
    if (n == null) {
      if (required) {
        throw new SpecException(path, SpecException.MISSING_FIELD, path + " is required");
      }
      return null;
    }
    if (!n.isTextual()) {
      throw typeError(path, "a string", n);
    }
    return n.textValue();
  }

  private static double doubleValue(ObjectNode o, String parent, String key, double dflt) {
    JsonNode n = o.get(key);
    if (n == null) {
      return dflt;
    }
    if (!n.isNumber()) {
      throw typeError(path(parent, key), "a number", n);
    }
    return n.doubleValue();
  }

  private static long longValue(ObjectNode o, String parent, String key, long dflt) {
    JsonNode n = o.get(key);
    if (n == null) {
      return dflt;
    }
    String path = path(parent, key);
    if (!n.isIntegralNumber()) {
      throw typeError(path, "an integer", n);
    }
    if (!n.canConvertToLong()) {
      throw new SpecException(path, SpecException.OUT_OF_RANGE, path + " does not fit in 64 bits, got " + n);
    }
    return n.longValue();
  }

  private static int intValue(ObjectNode o, String parent, String key, int dflt) {
    JsonNode n = o.get(key);
    if (n == null) {
      return dflt;
    }
    return intOf(n, path(parent, key));
  }

  private static int intOf(JsonNode n, String path) {
    if (!n.isIntegralNumber()) {
      throw typeError(path, "an integer", n);
    }
    if (!n.canConvertToInt()) {
      throw new SpecException(path, SpecException.OUT_OF_RANGE, path + " does not fit in 32 bits, got " + n);
    }
    return n.intValue();
  }

  private static int[] intArray(ObjectNode o, String parent, String key, int[] dflt) {
    JsonNode n = o.get(key);
    if (n == null) {
      return dflt;
    }
    String path = path(parent, key);
    if (!n.isArray()) {
      throw typeError(path, "an array of integers", n);
    }
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = intOf(n.get(i), path + "[" + i + "]");
    }
    return out;
  }

  private static SpecException typeError(String path, String expected, JsonNode actual) {
    String shown = Checks.abbreviate(String.valueOf(actual));
    String name = path.isEmpty() ? "the job spec" : path;
    return new SpecException(path, SpecException.INVALID_TYPE,
        name + " must be " + expected + ", got " + shown);
  }
}
