package trainyard.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import trainyard.bus.Capacity;

class PlacementTest {
  private static final Capacity SMALL = new Capacity(2, 0, 384);
  private static final Capacity BIG = new Capacity(6, 0, 640);

  private static Placement.Slot slot(String id, int cores, int freeCores) {
    return new Placement.Slot(id, new Capacity(cores, 0, 8192), new Capacity(freeCores, 0, 8192));
  }

  @Test
  void higherPriorityFirstThenOlderFirst() {
    List<Placement.Job> jobs = List.of(
        new Placement.Job("old-low", 0, 100, SMALL),
        new Placement.Job("new-high", 5, 300, SMALL),
        new Placement.Job("old-high", 5, 200, SMALL));
    Placement.Result result = Placement.place(jobs, List.of(slot("e1", 4, 4)), 0, Long.MAX_VALUE);
    assertEquals(List.of(new Placement.Placed("old-high", "e1"), new Placement.Placed("new-high", "e1")),
        result.placed());
    assertEquals(Map.of("old-low", "no executor has 2 free cores; largest free: 0"), result.waiting());
  }

  @Test
  void aJobGoesWhereItFitsMostTightly() {
    List<Placement.Slot> slots = List.of(slot("roomy", 16, 16), slot("snug", 4, 2), slot("full", 4, 0));
    Placement.Result result = Placement.place(List.of(new Placement.Job("j", 0, 1, SMALL)), slots, 0, Long.MAX_VALUE);
    assertEquals(List.of(new Placement.Placed("j", "snug")), result.placed());
  }

  @Test
  void aJobThatDoesNotFitDoesNotHoldBackSmallerOnes() {
    List<Placement.Job> jobs = List.of(new Placement.Job("big", 9, 1, BIG), new Placement.Job("small", 0, 2, SMALL));
    Placement.Result result = Placement.place(jobs, List.of(slot("e1", 8, 4)), 0, Long.MAX_VALUE);
    assertEquals(List.of(new Placement.Placed("small", "e1")), result.placed());
    assertEquals("no executor has 6 free cores; largest free: 4", result.waiting().get("big"));
  }

  @Test
  void reasonsNameTheMissingResource() {
    Placement.Job gpuJob = new Placement.Job("g", 0, 1, new Capacity(2, 1, 384));
    assertEquals("no executor is connected", Placement.place(List.of(gpuJob), List.of(), 0, Long.MAX_VALUE).waiting().get("g"));
    assertEquals("needs 1 GPU; the most any executor has is 0",
        Placement.place(List.of(gpuJob), List.of(slot("e1", 8, 8)), 0, Long.MAX_VALUE).waiting().get("g"));
    assertEquals("needs 6 cores; the largest executor has 4",
        Placement.place(List.of(new Placement.Job("b", 0, 1, BIG)), List.of(slot("e1", 4, 4)), 0, Long.MAX_VALUE).waiting().get("b"));

    Placement.Slot gpuBusy = new Placement.Slot("e2", new Capacity(8, 1, 8192), new Capacity(8, 0, 8192));
    assertEquals("no executor has 1 free GPU; most free: 0",
        Placement.place(List.of(gpuJob), List.of(gpuBusy), 0, Long.MAX_VALUE).waiting().get("g"));

    Placement.Slot lowMemory = new Placement.Slot("e3", new Capacity(8, 0, 4096), new Capacity(8, 0, 100));
    assertEquals("no executor has 384 MB of free memory; most free: 100 MB",
        Placement.place(List.of(new Placement.Job("s", 0, 1, SMALL)), List.of(lowMemory), 0, Long.MAX_VALUE).waiting().get("s"));
  }

  @Test
  void placedJobsUseUpTheRoomWithinOneRound() {
    List<Placement.Job> jobs = List.of(
        new Placement.Job("a", 0, 1, SMALL), new Placement.Job("b", 0, 2, SMALL), new Placement.Job("c", 0, 3, SMALL));
    Placement.Result result = Placement.place(jobs, List.of(slot("e1", 4, 4), slot("e2", 2, 2)), 0, Long.MAX_VALUE);
    assertEquals(3, result.placed().size());
    assertEquals(Map.of(), result.waiting());
    assertEquals(List.of(new Placement.Placed("a", "e2"), new Placement.Placed("b", "e1"), new Placement.Placed("c", "e1")),
        result.placed());
  }

  @Test
  void aBigJobThatWaitedLongEnoughKeepsTheExecutorThatWillHoldIt() {
    // e1 could hold the big job once its running work ends; e2 never could
    List<Placement.Slot> slots = List.of(slot("e1", 8, 2), slot("e2", 4, 4));
    List<Placement.Job> jobs = List.of(new Placement.Job("big", 0, 0, BIG), new Placement.Job("small", 0, 10, SMALL));

    Placement.Result early = Placement.place(jobs, slots, 500, 1_000);
    assertEquals(List.of(new Placement.Placed("small", "e1")), early.placed(), "backfilled where it fits tightest");

    Placement.Result late = Placement.place(jobs, slots, 1_000, 1_000);
    assertEquals(List.of(new Placement.Placed("small", "e2")), late.placed(), "e1 is kept for the big job");
    assertEquals("no executor has 6 free cores; largest free: 4; e1 takes no new job until it can",
        late.waiting().get("big"));

    Placement.Result nowhereElse = Placement.place(jobs, List.of(slot("e1", 8, 2)), 1_000, 1_000);
    assertEquals(List.of(), nowhereElse.placed());
    assertEquals(Set.of("big", "small"), nowhereElse.waiting().keySet());
  }
}
