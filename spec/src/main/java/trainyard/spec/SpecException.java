package trainyard.spec;

/**
 * A job spec that cannot be accepted. {@link #field()} is the JSON path of the offending value
 * ("params.batchSize", "" for the document itself) and {@link #code()} one of the stable codes
 * below, which the api copies into its problem+json responses. Immutable.
 */
public final class SpecException extends IllegalArgumentException {
  public static final String MALFORMED_JSON = "malformed_json";
  public static final String UNKNOWN_FIELD = "unknown_field";
  public static final String MISSING_FIELD = "missing_field";
  public static final String INVALID_TYPE = "invalid_type";
  public static final String OUT_OF_RANGE = "out_of_range";
  public static final String INVALID_VALUE = "invalid_value";

  private final String field;
  private final String code;

  public SpecException(String field, String code, String message) {
    super(message);
    this.field = field;
    this.code = code;
  }

  public String field() {
    return field;
  }

  public String code() {
    return code;
  }
}
