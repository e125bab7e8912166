package trainyard.api.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Ingestion permits: a share per tenant within a total, waiters as futures, a bounded wait. */
class IngestPermitsTest {
  @Test
  void aTenantHoldingItsShareLeavesTheOtherPermitsToOtherTenants() {
    IngestPermits permits = new IngestPermits(2, 1);
    IngestPermits.Permit slow = permits.tryAcquire("a");
    assertNotNull(slow);
    assertNull(permits.tryAcquire("a"), "a holds its share");
    CompletableFuture<IngestPermits.Permit> b = permits.acquire("b");
    assertTrue(b.isDone(), "b does not wait for a");
    CompletableFuture<IngestPermits.Permit> c = permits.acquire("c");
    assertFalse(c.isDone(), "every permit is held");
    assertEquals(1, permits.waiting());
    assertEquals(2, permits.running());
  }

  @Test
  void aFreedPermitGoesToTheLongestWaiterWhoseTenantIsUnderItsShare() throws Exception {
    IngestPermits permits = new IngestPermits(2, 1);
    IngestPermits.Permit a1 = permits.tryAcquire("a");
    IngestPermits.Permit b1 = permits.tryAcquire("b");
    CompletableFuture<IngestPermits.Permit> a2 = permits.acquire("a");
    CompletableFuture<IngestPermits.Permit> c1 = permits.acquire("c");
    b1.release();
    assertFalse(a2.isDone(), "a still holds its share");
    assertTrue(c1.isDone(), "c came after a's second but may run");
    a1.release();
    assertTrue(a2.isDone());
    a2.get().release();
    c1.get().release();
    assertEquals(0, permits.running());
    assertEquals(0, permits.waiting());
  }

  @Test
  void aWaiterPastItsWaitFailsLeavesTheLineAndTakesNothingLater() throws Exception {
    IngestPermits permits = new IngestPermits(1, 1);
    IngestPermits.Permit held = permits.tryAcquire("a");
    CompletableFuture<IngestPermits.Permit> late = permits.acquire("b", Duration.ofMillis(100));
    ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertEquals(0, permits.waiting());
    held.release();
    assertEquals(0, permits.running(), "the freed permit went to no one");
    assertNotNull(permits.tryAcquire("b"));
  }

  @Test
  void aPermitReleasedTwiceCountsOnce() {
    IngestPermits permits = new IngestPermits(1, 1);
    IngestPermits.Permit p = permits.tryAcquire("a");
    IngestPermits.Permit other = permits.tryAcquire("b");
    assertNull(other);
    p.release();
    IngestPermits.Permit b = permits.tryAcquire("b");
    p.release();
    assertNull(permits.tryAcquire("c"), "b's permit is still held");
    b.release();
  }
}
