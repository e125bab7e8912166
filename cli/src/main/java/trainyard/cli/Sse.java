package trainyard.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A Server-Sent Events reader (the WHATWG event-stream format). Not thread-safe. */
public final class Sse {
  /** One dispatched event; {@code type} defaults to "message". */
  public record Event(String id, String type, String data) {}

  /** Receives events; returns false to stop reading. */
  @FunctionalInterface
  public interface Listener {
    boolean onEvent(Event event);
  }

  private Sse() {}

  /**
   * Reads until the stream ends or the listener says stop.
   *
   * @return the id of the last event seen (for Last-Event-ID on reconnect), or {@code lastId}
   */
  public static String read(InputStream in, String lastId, Listener listener) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String id = lastId;
    String type = null;
    StringBuilder data = null;
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          if (!listener.onEvent(new Event(id, type == null ? "message" : type, data.toString()))) {
            return id;
          }
        }
        type = null;
        data = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        case "event" -> type = value;
        case "id" -> {
          if (!value.contains("\0")) {
            id = value;
          }
        }
        default -> { } // "retry" and unknown fields: ignored, as the spec says
      }
    }
    return id;
  }
}
