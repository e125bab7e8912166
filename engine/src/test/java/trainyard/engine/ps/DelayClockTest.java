package trainyard.engine.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DelayClockTest {

  /** Holds every request until the test releases it: the servers are as slow as we like. */
  static final class HeldTransport implements Transport {
    final List<Request> held = new ArrayList<>();

    @Override
    public synchronized void send(int server, Request request) {
      held.add(request);
    }

    synchronized void release(int i) {
      held.get(i).complete();
    }

    @Override
    public void close() {}
  }

  @Test
  void boundedDelayWaitsOnlyForThePushTauPlusOneStepsBack() throws Exception {
    HeldTransport t = new HeldTransport();
    KVWorker kv = new KVWorker(t, KeyRanges.uniform(1), 1, 1, 0);
    DelayClock clock = new DelayClock(1, kv);
    long[] keys = {1};
    // Steps 0 and 1 never wait with τ = 1.
    clock.beforeStep(0);
    clock.pushed(0, kv.push(keys, new float[1]));
    clock.beforeStep(1);
    clock.pushed(1, kv.push(keys, new float[1]));
    CountDownLatch passed = new CountDownLatch(1);
    Thread step2 = new Thread(() -> {
      clock.beforeStep(2);
      passed.countDown();
    });
    step2.start();
    assertFalse(passed.await(200, TimeUnit.MILLISECONDS), "step 2 must wait for step 0's push");
    t.release(0);
    assertTrue(passed.await(10, TimeUnit.SECONDS), "step 2 must proceed once step 0's push is done");
    step2.join();
  }

  @Test
  void eventualConsistencyNeverWaits() {
    HeldTransport t = new HeldTransport();
    KVWorker kv = new KVWorker(t, KeyRanges.uniform(1), 1, 1, 0);
    DelayClock clock = new DelayClock(-1, kv);
    for (int step = 0; step < 50; step++) {
      clock.beforeStep(step);
      clock.pushed(step, kv.push(new long[] {1}, new float[1]));
    }
    assertEquals(50, t.held.size());
  }
}
