package trainyard.api.problem;

/**
 * Numbers in query parameters, read here rather than by JAX-RS, which answers a parameter that is
 * not a number with 404 as if the resource did not exist. Ranges stay with the code that uses them.
 */
public final class Params {
  private Params() {}

  /** {@code value} as an int, null when absent; 400 {@code code} when it is not an integer. */
  public static Integer integer(String name, String value, String code) {
    Long v = whole(name, value, code);
    if (v != null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
      throw notAnInteger(name, value, code);
    }
    return v == null ? null : v.intValue();
  }

  /** {@code value} as a long, null when absent; 400 {@code code} when it is not an integer. */
  public static Long whole(String name, String value, String code) {
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw notAnInteger(name, value, code);
    }
  }

  private static ApiException notAnInteger(String name, String value, String code) {
    String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return ApiException.badRequest(code, name + " must be an integer, got \"" + shown + "\"");
  }
}
