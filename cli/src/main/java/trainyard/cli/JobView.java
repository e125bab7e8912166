package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a person sees of a job while watching it; pure formatting. */
final class JobView {
  static final List<String> METRIC_ORDER = List.of("train_loss", "val_logloss", "val_auc",
      "val_accuracy", "val_rmse", "examples_per_sec");

  private JobView() {}

  static boolean terminal(String status) {
    return status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED");
  }

  /** The latest value of each metric: the entry with the highest step (then the later one). */
  static Map<String, Double> latest(JsonNode metrics) {
    Map<String, Double> value = new LinkedHashMap<>();
    Map<String, Long> step = new LinkedHashMap<>();
    for (JsonNode m : Json.items(metrics)) {
      String name = m.path("name").asText("");
      if (name.isEmpty() || !m.path("value").isNumber()) {
        continue;
      }
      long s = m.path("step").asLong(m.path("epoch").asLong(0));
      Long seen = step.get(name);
      if (seen == null || s >= seen) {
        step.put(name, s);
        value.put(name, m.path("value").asDouble());
      }
    }
    return value;
  }

  /** A {@code {"name": value}} JSON object as a map of its numeric members. */
  static Map<String, Double> numbers(JsonNode object) {
    Map<String, Double> m = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> {
      if (e.getValue().isNumber()) {
        m.put(e.getKey(), e.getValue().asDouble());
      }
    });
    return m;
  }

  /** {@code train_loss 0.4123  val_auc 0.8123}, known metrics first in a fixed order. */
  static String metrics(Map<String, Double> latest) {
    StringBuilder sb = new StringBuilder();
    for (String name : METRIC_ORDER) {
      if (latest.containsKey(name)) {
        append(sb, name, latest.get(name));
      }
    }
    for (Map.Entry<String, Double> e : latest.entrySet()) {
      if (!METRIC_ORDER.contains(e.getKey())) {
        append(sb, e.getKey(), e.getValue());
      }
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, String name, double v) {
    if (sb.length() > 0) {
      sb.append("  ");
    }
    sb.append(name).append(' ').append(number(v));
  }

  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  /**
   * The job's progress in [0, 1]: the server's {@code progress}, or, while that says nothing yet,
   * finished epochs over the spec's epochs; NaN when neither is known.
   */
  static double progress(JsonNode job) {
    double reported = job.path("progress").isNumber() ? job.path("progress").asDouble() : Double.NaN;
    int epochs = job.at("/spec/params/epochs").asInt(0);
    if (job.path("epoch").isNumber() && epochs > 0 && !(reported > 0)) {
      return Math.min(1, job.path("epoch").asDouble() / epochs);
    }
    return reported;
  }

  /** {@code RUNNING    [######------]  52%  epoch 2  train_loss 0.41 ...  (reason)}. */
  static String line(JsonNode job, Map<String, Double> latest) {
    String status = job.path("status").asText("?");
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-9s", status));
    double p = progress(job);
    if (!Double.isNaN(p)) {
      sb.append(' ').append(ProgressFormat.bar(p, 20)).append(' ').append(ProgressFormat.percent(p));
    }
    if (job.path("epoch").isNumber()) {
      sb.append("  epoch ").append(job.path("epoch").asInt());
    }
    String m = metrics(latest);
    if (!m.isEmpty()) {
      sb.append("  ").append(m);
    }
    String reason = job.path("statusReason").asText("");
    if (!reason.isEmpty()) {
      sb.append("  (").append(Problems.oneLine(reason)).append(')');
    }
    return sb.toString();
  }

  /**
   * A job's members (the {@code members} array of {@code GET /jobs/{id}}) as a table: rank,
   * executor, its workers and server shards (global indexes, {@code #0-3}), the GPU ordinals it
   * holds (a column only for a job that has some), examples/s, bytes pushed and pulled so far
   * ({@code -} until the member first reports); null when there are none.
   */
  static Table members(JsonNode members) {
    if (!members.isArray() || members.isEmpty()) {
      return null;
    }
    boolean gpus = false;
    for (JsonNode m : members) {
      gpus |= !m.path("gpus").isEmpty();
    }
    Table t = gpus ? new Table("RANK", "EXECUTOR", "WORKERS", "SERVERS", "GPUS", "EXAMPLES/S", "PUSHED", "PULLED")
        : new Table("RANK", "EXECUTOR", "WORKERS", "SERVERS", "EXAMPLES/S", "PUSHED", "PULLED");
    for (JsonNode m : members) {
      List<String> cells = new ArrayList<>(List.of(m.path("rank").isNumber() ? m.path("rank").asText() : "-",
          Json.text(m, "executorId"), span(m.path("workers")), span(m.path("servers"))));
      if (gpus) {
        List<String> ordinals = new ArrayList<>();
        m.path("gpus").forEach(g -> ordinals.add(g.asText()));
        cells.add(ordinals.isEmpty() ? "-" : String.join(",", ordinals));
      }
      cells.add(m.path("examplesPerSec").isNumber() ? perSecond(m.path("examplesPerSec").asDouble()) : "-");
      cells.add(bytes(m.path("bytesPushed")));
      cells.add(bytes(m.path("bytesPulled")));
      t.row(cells.toArray(String[]::new));
    }
    return t;
  }

  /**
   * {@code {first: 2, count: 3}} as {@code #2-4}; one as {@code #2}; none or unknown as {@code -}. The
   * {@code #} says these are indexes: a member with worker 0 has one worker, not none.
   */
  static String span(JsonNode span) {
    if (!span.path("first").isIntegralNumber() || !span.path("count").isIntegralNumber()) {
      return "-";
    }
    long first = span.path("first").asLong();
    long count = span.path("count").asLong();
    return count < 1 ? "-" : count == 1 ? "#" + first : "#" + first + "-" + (first + count - 1);
  }

  /** 41251, 812.5, 3.25: no more digits than the number needs to read at a glance. */
  static String perSecond(double v) {
    return v >= 1000 ? String.format(Locale.ROOT, "%.0f", v)
        : v >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String bytes(JsonNode n) {
    return n.isIntegralNumber() && n.asLong() >= 0 ? ProgressFormat.bytes(n.asLong()) : "-";
  }
}
