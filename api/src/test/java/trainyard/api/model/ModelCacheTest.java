package trainyard.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCacheTest {
  /** The cache holds bytes, not a count: many small models, or one big one, never past the budget. */
  @Test
  void theLeastRecentlyUsedGoUntilTheBytesFit() {
    ModelCache<String> cache = new ModelCache<>(100);
    for (int i = 0; i < 20; i++) {
      cache.put("small" + i, "m", 5);
    }
    assertEquals(100, cache.bytes());
    assertEquals("m", cache.get("small0"), "20 models of 5 bytes fit in 100");
    cache.put("big", "B", 60);
    assertEquals(List.of("small13", "small14", "small15", "small16", "small17", "small18", "small19", "small0", "big"),
        cache.ids(), "the least recently used went first; small0 was used last before big");
    assertEquals(100, cache.bytes());
  }

  @Test
  void aModelPastTheWholeBudgetIsNotKept() {
    ModelCache<String> cache = new ModelCache<>(100);
    cache.put("a", "a", 40);
    cache.put("huge", "h", 101);
    assertNull(cache.get("huge"));
    assertEquals(List.of("a"), cache.ids());
    cache.put("a", "a2", 70);
    assertEquals("a2", cache.get("a"));
    assertEquals(70, cache.bytes(), "a model put again counts once");
  }
}
