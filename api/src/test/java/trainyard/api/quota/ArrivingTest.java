package trainyard.api.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Streamed uploads of one tenant arriving at once share one count against its storage quota. */
class ArrivingTest {
  @Test
  void uploadsArrivingTogetherCannotPassTheQuotaTogether() {
    Arriving.Shared tenant = new Arriving.Shared(1000, 200);
    AtomicInteger ended = new AtomicInteger();
    Arriving first = new Arriving(tenant, ended::incrementAndGet);
    Arriving second = new Arriving(tenant, ended::incrementAndGet);
    assertTrue(first.take(500));
    assertTrue(second.take(300), "exactly at the quota");
    assertFalse(first.take(1), "one byte past it");
    assertEquals(500L, first.refusal().problem().extensions().get("used"), "stored plus the other upload's");
  }

  @Test
  void aBrokenUploadGivesItsBytesBackAndAKeptOneKeepsThem() {
    Arriving.Shared tenant = new Arriving.Shared(1000, 0);
    Arriving broken = new Arriving(tenant, () -> {});
    Arriving kept = new Arriving(tenant, () -> {});
    broken.take(600);
    kept.take(300);
    broken.end(false);
    kept.end(true);
    assertEquals(300, tenant.used);
    Arriving next = new Arriving(tenant, () -> {});
    assertTrue(next.take(700));
    assertFalse(next.take(1));
  }

  @Test
  void withoutAQuotaEverythingFits() {
    assertTrue(Arriving.UNLIMITED.take(Long.MAX_VALUE));
  }
}
