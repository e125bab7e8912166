package trainyard.engine.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one sub-command, checked against the names it accepts. Immutable. */
final class Options {
  private final Map<String, String> values;

  private Options(Map<String, String> values) {
    this.values = values;
  }

  static Options parse(String[] args, int from, Set<String> allowed) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !allowed.contains(a.substring(2))) {
        throw new UsageException("unknown option \"" + a + "\"; expected one of --" + String.join(", --", allowed));
      }
      if (i + 1 >= args.length) {
        throw new UsageException(a + " needs a value");
      }
      if (values.put(a.substring(2), args[++i]) != null) {
        throw new UsageException(a + " is given twice");
      }
    }
    return new Options(values);
  }

  String get(String name) {
    return values.get(name);
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new UsageException("--" + name + " is required");
    }
    return v;
  }

  Path path(String name) {
    String v = values.get(name);
    return v == null ? null : Path.of(v);
  }
}
