package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseTest {
  private static ByteArrayInputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesTypesIdsCommentsAndMultiLineData() throws IOException {
    List<Sse.Event> events = new ArrayList<>();
    String last = Sse.read(stream(": keep-alive\n\nid: 1\nevent: LOG\ndata: {\"a\":1}\n\n"
        + "data: line1\ndata:line2\n\nid: 3\nevent: STATE\ndata: x\nretry: 10\n\n"), null,
        e -> events.add(e));
    assertEquals(3, events.size());
    assertEquals(new Sse.Event("1", "LOG", "{\"a\":1}"), events.get(0));
    assertEquals(new Sse.Event("1", "message", "line1\nline2"), events.get(1));
    assertEquals(new Sse.Event("3", "STATE", "x"), events.get(2));
    assertEquals("3", last);
  }

  @Test
  void stopsWhenTheListenerSaysSoAndIgnoresAnUnfinishedEvent() throws IOException {
    List<Sse.Event> events = new ArrayList<>();
    String last = Sse.read(stream("id: 7\ndata: a\n\nid: 8\ndata: b\n\nid: 9\ndata: c\n\n"), "5",
        e -> {
          events.add(e);
          return !e.data().equals("b");
        });
    assertEquals(2, events.size());
    assertEquals("8", last);
    List<Sse.Event> none = new ArrayList<>();
    assertEquals("5", Sse.read(stream("data: cut off"), "5", none::add));
    assertEquals(0, none.size());
  }
}
