package trainyard.bus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The JSON form of every bus message. Unknown fields are ignored so that an older reader
 * accepts a newer writer's messages; null fields are left out. Thread-safe.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private Json() {}

  public static byte[] write(Object message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + message.getClass().getSimpleName()
          + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads one message; throws {@link BadMessageException} naming the type if it is not one. */
  public static <T> T read(byte[] json, Class<T> type) {
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw new BadMessageException("expected a " + type.getSimpleName() + ", got null");
      }
      return value;
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new BadMessageException("not a valid " + type.getSimpleName() + ": " + why, e);
    } catch (IllegalArgumentException e) {
      throw new BadMessageException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** A record that cannot be read as the message its topic carries. */
  public static final class BadMessageException extends RuntimeException {
    BadMessageException(String message) {
      super(message);
    }

    BadMessageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
