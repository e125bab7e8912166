package trainyard.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How an executor splits the memory its jobs' estimates leave free into their data caches. */
class CacheShareTest {
  private static final long MB = 1 << 20;
  private static final long HEAP = 4096 * MB;

  @Test
  void aJobAloneCachesWhatItsEstimateLeavesOfTheOffer() {
    assertEquals((3072 - 1000) * MB, Executor.cacheShare(3072, HEAP, 1000, 1));
  }

  @Test
  void jobsRunningTogetherShareWhatTheirEstimatesLeave() {
    assertEquals((3072 - 1000 - 500) * MB / 2, Executor.cacheShare(3072, HEAP, 1500, 2));
    assertEquals((3072 - 3000) * MB / 3, Executor.cacheShare(3072, HEAP, 3000, 3));
  }

  @Test
  void anOfferBeyondTheHeapCountsOnlyTheHeap() {
    assertEquals((4096 - 1000) * MB, Executor.cacheShare(100_000, HEAP, 1000, 1));
  }

  @Test
  void promisesBeyondTheOfferLeaveNoCache() {
    assertEquals(0, Executor.cacheShare(3072, HEAP, 3100, 1));
  }
}
