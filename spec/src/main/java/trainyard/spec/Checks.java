package trainyard.spec;

import java.util.List;

/** Range checks shared by the spec records; each throws a {@link SpecException} naming the value. */
final class Checks {
  private Checks() {}

  static int intRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new SpecException(field, SpecException.OUT_OF_RANGE,
          field + " must be in " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  /** {@code value} of {@code field} must be at least {@code bound}, the value of {@code boundField}. */
  static void atLeast(String field, int value, String boundField, int bound, String why) {
    if (value < bound) {
      throw new SpecException(field, SpecException.OUT_OF_RANGE,
          field + " must be >= " + boundField + " (" + bound + "): " + why + ", got " + value);
    }
  }

  static long longRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new SpecException(field, SpecException.OUT_OF_RANGE,
          field + " must be in " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  static double positive(String field, double value, double max) {
    if (!(value > 0 && value <= max)) {
      throw new SpecException(field, SpecException.OUT_OF_RANGE,
          field + " must be > 0 and <= " + max + ", got " + value);
    }
    return value;
  }

  static double nonNegative(String field, double value, double max) {
    if (!(value >= 0 && value <= max)) {
      throw new SpecException(field, SpecException.OUT_OF_RANGE,
          field + " must be >= 0 and <= " + max + ", got " + value);
    }
    return value;
  }

  static String oneOf(String field, String value, List<String> allowed) {
    if (value == null) {
      throw new SpecException(field, SpecException.MISSING_FIELD, field + " is required");
    }
    if (!allowed.contains(value)) {
      throw new SpecException(field, SpecException.INVALID_VALUE,
          field + " must be one of " + String.join(", ", allowed) + ", got \"" + value + "\"");
    }
    return value;
  }

  static String text(String field, String value, int maxLength) {
    if (value == null) {
      throw new SpecException(field, SpecException.MISSING_FIELD, field + " is required");
    }
    if (value.isBlank() || value.length() > maxLength) {
      throw new SpecException(field, SpecException.OUT_OF_RANGE,
          field + " must have 1.." + maxLength + " characters and not be blank, got \"" + abbreviate(value) + "\"");
    }
    return value;
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
