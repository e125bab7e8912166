package trainyard.api.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import trainyard.api.problem.ApiException;
import trainyard.api.problem.Problem;
import trainyard.scheduler.study.Asha;
import trainyard.scheduler.study.GridSearch;
import trainyard.scheduler.study.Objective;
import trainyard.scheduler.study.Parameter;
import trainyard.scheduler.study.RandomSearch;
import trainyard.scheduler.study.Search;
import trainyard.scheduler.study.SearchSpace;
import trainyard.spec.JobSpec;
import trainyard.spec.SpecException;

/**
 * A study as submitted: the base job spec, the search space, the objective, the budget and the
 * method, read strictly; {@link #toJson} writes it back with every default filled, which is what
 * the server stores and what an Idempotency-Key replay is compared with. Immutable.
 *
 * @param spec the base spec as sent (trials apply their values to it, then {@link JobSpec#parse}
 *             fills the defaults of the trial's own algorithm)
 */
public record StudyRequest(String name, ObjectNode spec, JobSpec base, SearchSpace space, Objective objective,
    int trials, int maxParallel, String method, int eta, int minEpochs, long seed, Search search) {
  public static final List<String> METHODS = List.of("random", "grid", "asha");
  /** The objective's metrics: those early stopping watches, and the training loss. */
  public static final List<String> METRICS = Stream.concat(JobSpec.Stopping.METRICS.stream(), Stream.of("train_loss")).toList();
  static final int MAX_TRIALS = 1000;
  static final int MAX_PARALLEL = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  public static StudyRequest parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw invalid("", SpecException.MALFORMED_JSON, "the study is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid("", SpecException.MALFORMED_JSON, "a study is a JSON object");
    }
    only(root, "", "name", "spec", "space", "objective", "budget", "method", "seed");
    ObjectNode spec = object(root, "spec", true);
    JobSpec base;
    try {
      base = JobSpec.parse(spec.toString());
    } catch (SpecException e) {
      throw invalid(join("spec", e.field()), e.code(), e.getMessage());
    }
    String name = text(root, "name", base.name());
    SearchSpace space = space(object(root, "space", true));
    ObjectNode objectiveNode = object(root, "objective", true);
    only(objectiveNode, "objective", "metric", "direction");
    String metric = text(objectiveNode, "metric", null);
    if (metric == null) {
      throw invalid("objective.metric", SpecException.MISSING_FIELD, "objective.metric is required: one of " + METRICS);
    }
    oneOf("objective.metric", metric, METRICS);
    String direction = text(objectiveNode, "direction", JobSpec.Stopping.higherIsBetter(metric) ? "maximize" : "minimize");
    oneOf("objective.direction", direction, List.of("minimize", "maximize"));
    Objective objective = new Objective(metric, direction.equals("maximize"));
    if (metric.startsWith("val_") && base.validation() == null) {
      throw invalid("spec.validation", SpecException.MISSING_FIELD, "the objective " + metric
          + " is measured on validation data: give spec.validation (a dataset or a fraction)");
    }

    ObjectNode methodNode = object(root, "method", false);
    String method = methodNode == null ? "random" : text(methodNode, "type", "random");
    oneOf("method.type", method, METHODS);
    if (methodNode != null) {
      only(methodNode, "method", method.equals("asha") ? new String[] {"type", "eta", "minEpochs"} : new String[] {"type"});
    }
    // η 2 and a first rung at a quarter of the epochs (rungs r, 2r, 4r): a rung at epoch 1, or
    // keeping only a third at each, stopped the slow starters that end best far more often; a
    // first rung at a third stops them a little less often but costs more than a third of a grid
    // (docs/PERFORMANCE.md, "Studies")
    int eta = methodNode == null ? 2 : integer(methodNode, "method.eta", "eta", 2, 2, 100);
    int firstRung = Math.max(1, base.params().epochs() / 4);
    int minEpochs = methodNode == null ? firstRung
        : integer(methodNode, "method.minEpochs", "minEpochs", firstRung, 1, 1_000_000);
    long seed = root.has("seed") ? whole(root.get("seed"), "seed") : 1;

    ObjectNode budget = object(root, "budget", false);
    if (budget != null) {
      only(budget, "budget", "trials", "maxParallel");
    }
    int maxParallel = budget == null ? 1 : integer(budget, "budget.maxParallel", "maxParallel", 1, 1, MAX_PARALLEL);
    Search search;
    int trials;
    if (method.equals("grid")) {
      long points = space.gridSize();
      if (points > MAX_TRIALS) {
        throw invalid("space", SpecException.OUT_OF_RANGE, "the grid has " + points + " points; at most " + MAX_TRIALS);
      }
      trials = budget == null ? (int) points : integer(budget, "budget.trials", "trials", (int) points, 1, MAX_TRIALS);
      if (trials != points) {
        throw invalid("budget.trials", SpecException.OUT_OF_RANGE, "a grid search runs every point of its grid: "
            + points + " trials, not " + trials + " (leave budget.trials out, or change the space)");
      }
      search = new GridSearch(space);
    } else {
      trials = budget == null ? 10 : integer(budget, "budget.trials", "trials", 10, 1, MAX_TRIALS);
      search = method.equals("random") ? new RandomSearch(space, seed, trials) : asha(space, seed, trials, objective,
          minEpochs, eta, base);
    }
    return new StudyRequest(name, spec, base, space, objective, trials, maxParallel, method,
        eta, minEpochs, seed, search);
  }

  private static Search asha(SearchSpace space, long seed, int trials, Objective objective, int minEpochs, int eta,
      JobSpec base) {
    for (Parameter p : space.parameters()) {
      if (p.name().equals("params.epochs")) {
        throw invalid("space.params.epochs", SpecException.INVALID_VALUE, "asha gives every trial the base spec's "
            + "epochs and stops the poor ones early; params.epochs cannot be searched");
      }
    }
    int epochs = base.params().epochs();
    if (minEpochs >= epochs) {
      throw invalid("method.minEpochs", SpecException.OUT_OF_RANGE, "the first rung (" + minEpochs
          + " epochs) must come before the spec's " + epochs + " epochs");
    }
    return new Asha(space, seed, trials, objective, minEpochs, eta, epochs);
  }

  /** Trial {@code index}'s job spec: the base spec with the trial's values set, as JSON. */
  public String trialSpec(int index, Map<String, Object> params) {
    ObjectNode tree = spec.deepCopy();
    tree.put("name", name + "-t" + index);
    for (Map.Entry<String, Object> p : params.entrySet()) {
      ObjectNode at = tree;
      String[] parts = p.getKey().split("\\.");
      for (int i = 0; i < parts.length - 1; i++) {
        JsonNode next = at.get(parts[i]);
        at = next != null && next.isObject() ? (ObjectNode) next : at.putObject(parts[i]);
      }
      at.set(parts[parts.length - 1], JSON.valueToTree(p.getValue()));
    }
    return tree.toString();
  }

  /**
   * Every trial's spec parsed, so that a combination the spec refuses is refused now, naming the
   * parameter (or the base spec's field) and the trial, rather than failing the study later.
   */
  public List<JobSpec> trialSpecs() {
    List<JobSpec> specs = new ArrayList<>(trials);
    for (int i = 0; i < trials; i++) {
      Map<String, Object> params = search.paramsOf(i);
      try {
        specs.add(JobSpec.parse(trialSpec(i, params)));
      } catch (SpecException e) {
        String field = params.containsKey(e.field()) ? join("space", e.field()) : join("spec", e.field());
        throw invalid(field, e.code(), "trial " + i + " " + params + ": " + e.getMessage());
      }
    }
    return specs;
  }

  /** The request with every default filled. */
  public String toJson() {
    ObjectNode out = JSON.createObjectNode();
    out.put("name", name);
    out.set("spec", spec);
    ObjectNode parameters = out.putObject("space");
    for (Parameter p : space.parameters()) {
      ObjectNode at = parameters.putObject(p.name());
      if (p instanceof Parameter.Range r) {
        at.put("type", r.integer() ? "int" : "float").put("min", r.min()).put("max", r.max())
            .put("scale", r.log() ? "log" : "linear").put("points", r.points());
      } else {
        at.put("type", "choice").set("values", JSON.valueToTree(((Parameter.Choice) p).values()));
      }
    }
    out.putObject("objective").put("metric", objective.metric()).put("direction",
        objective.maximize() ? "maximize" : "minimize");
    out.putObject("budget").put("trials", trials).put("maxParallel", maxParallel);
    ObjectNode m = out.putObject("method").put("type", method);
    if (method.equals("asha")) {
      m.put("eta", eta).put("minEpochs", minEpochs);
    }
    out.put("seed", seed);
    return out.toString();
  }

  private static SearchSpace space(ObjectNode node) {
    if (node.isEmpty()) {
      throw invalid("space", SpecException.MISSING_FIELD, "the space needs at least one parameter");
    }
    List<Parameter> parameters = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = "space." + e.getKey();
      if (!e.getKey().matches("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*") || e.getKey().equals("name")
          || e.getKey().equals("dataset")) {
        throw invalid(path, SpecException.INVALID_VALUE, "a parameter is a dotted path into the job spec, such as "
            + "params.learningRate (not name or dataset), got \"" + e.getKey() + "\"");
      }
      if (!e.getValue().isObject()) {
        throw invalid(path, SpecException.INVALID_TYPE, path + " must be an object such as "
            + "{\"type\": \"float\", \"min\": 0.001, \"max\": 1, \"scale\": \"log\"}");
      }
      parameters.add(parameter(e.getKey(), path, (ObjectNode) e.getValue()));
    }
    return new SearchSpace(parameters);
  }

  private static Parameter parameter(String name, String path, ObjectNode node) {
    String type = text(node, "type", null, path + ".type");
    if (type == null) {
      throw invalid(path + ".type", SpecException.MISSING_FIELD, path + ".type is required: float, int or choice");
    }
    oneOf(path + ".type", type, List.of("float", "int", "choice"));
    if (type.equals("choice")) {
      only(node, path, "type", "values");
      JsonNode values = node.get("values");
      if (values == null || !values.isArray() || values.isEmpty()) {
        throw invalid(path + ".values", values == null ? SpecException.MISSING_FIELD : SpecException.INVALID_TYPE,
            path + ".values must be a non-empty array of strings, numbers or booleans");
      }
      List<Object> out = new ArrayList<>();
      for (JsonNode v : values) {
        if (!v.isValueNode() || v.isNull()) {
          throw invalid(path + ".values", SpecException.INVALID_TYPE, path + ".values holds only strings, numbers or "
              + "booleans, got " + v);
        }
        out.add(v.isTextual() ? v.asText() : v.isBoolean() ? (Object) v.asBoolean()
            : v.isIntegralNumber() ? (Object) v.asLong() : (Object) v.asDouble());
      }
      return new Parameter.Choice(name, out);
    }
    only(node, path, "type", "min", "max", "scale", "points");
    double min = number(node, path, "min");
    double max = number(node, path, "max");
    String scale = text(node, "scale", "linear", path + ".scale");
    oneOf(path + ".scale", scale, List.of("linear", "log"));
    int points = integer(node, path + ".points", "points", 3, 1, 100);
    if (min > max) {
      throw invalid(path + ".min", SpecException.OUT_OF_RANGE, path + ".min (" + min + ") is above max (" + max + ")");
    }
    if (scale.equals("log") && min <= 0) {
      throw invalid(path + ".min", SpecException.OUT_OF_RANGE, "a log scale needs min > 0, got " + min);
    }
    if (type.equals("int") && (min != Math.rint(min) || max != Math.rint(max))) {
      throw invalid(path + ".min", SpecException.INVALID_TYPE, "an int range needs whole min and max, got "
          + min + ".." + max);
    }
    return new Parameter.Range(name, min, max, scale.equals("log"), type.equals("int"), points);
  }

  private static void only(JsonNode node, String at, String... allowed) {
    Set<String> known = new LinkedHashSet<>(List.of(allowed));
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw invalid(join(at, f), SpecException.UNKNOWN_FIELD, "unknown field " + join(at, f) + "; known: " + known);
      }
    }
  }

  private static ObjectNode object(JsonNode parent, String field, boolean required) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw invalid(field, SpecException.MISSING_FIELD, field + " is required");
      }
      return null;
    }
    if (!v.isObject()) {
      throw invalid(field, SpecException.INVALID_TYPE, field + " must be an object");
    }
    return (ObjectNode) v;
  }

  private static String text(JsonNode parent, String field, String absent) {
    return text(parent, field, absent, field);
  }

  private static String text(JsonNode parent, String field, String absent, String path) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isTextual()) {
      throw invalid(path, SpecException.INVALID_TYPE, path + " must be a string");
    }
    return v.asText();
  }

  private static double number(JsonNode parent, String path, String field) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      throw invalid(path + "." + field, SpecException.MISSING_FIELD, path + "." + field + " is required");
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw invalid(path + "." + field, SpecException.INVALID_TYPE, path + "." + field + " must be a number");
    }
    return v.asDouble();
  }

  private static int integer(JsonNode parent, String path, String field, int absent, int min, int max) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    long value = whole(v, path);
    if (value < min || value > max) {
      throw invalid(path, SpecException.OUT_OF_RANGE, path + " must be in " + min + ".." + max + ", got " + value);
    }
    return (int) value;
  }

  private static long whole(JsonNode v, String path) {
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw invalid(path, SpecException.INVALID_TYPE, path + " must be a whole number");
    }
    return v.asLong();
  }

  private static void oneOf(String path, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw invalid(path, SpecException.INVALID_VALUE, path + " must be one of " + allowed + ", got \"" + value + "\"");
    }
  }

  private static String join(String prefix, String field) {
    return field == null || field.isEmpty() ? prefix : prefix.isEmpty() ? field : prefix + "." + field;
  }

  static ApiException invalid(String field, String code, String detail) {
    return new ApiException(Problem.of(400, code, "Invalid study", detail).withField(field));
  }
}
