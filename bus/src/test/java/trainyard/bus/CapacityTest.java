package trainyard.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import trainyard.spec.JobSpec;

class CapacityTest {
  @Test
  void aJobNeedsAThreadPerWorkerAndServerItsGpusAndAMemoryAllowance() {
    JobSpec spec = JobSpec.parse("{\"name\":\"n\",\"algorithm\":\"linear\",\"dataset\":\"d\","
        + "\"resources\":{\"workers\":4,\"servers\":2,\"gpus\":1}}");
    assertEquals(new Capacity(6, 1, 128 + 6 * 32), Capacity.of(spec, 0));
  }

  @Test
  void fitsChecksEveryResource() {
    Capacity free = new Capacity(4, 1, 1000);
    assertTrue(free.fits(new Capacity(4, 1, 1000)));
    assertFalse(free.fits(new Capacity(5, 0, 10)));
    assertFalse(free.fits(new Capacity(1, 2, 10)));
    assertFalse(free.fits(new Capacity(1, 0, 1001)));
    assertEquals(new Capacity(1, 0, 900), free.minus(new Capacity(3, 1, 100)));
    assertEquals("4 cores, 1 GPU, 1000 MB", free.toString());
  }
}
