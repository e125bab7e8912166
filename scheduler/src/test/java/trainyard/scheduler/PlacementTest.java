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
        new Placement.Job("t", "old-low", 0, 100, SMALL),
        new Placement.Job("t", "new-high", 5, 300, SMALL),
        new Placement.Job("t", "old-high", 5, 200, SMALL));
    Placement.Result result = Placement.place(jobs, List.of(slot("e1", 4, 4)), 0, Long.MAX_VALUE, Map.of());
    assertEquals(List.of(new Placement.Placed("old-high", "e1"), new Placement.Placed("new-high", "e1")),
        result.placed());
    assertEquals(Map.of("old-low", "no executor has 2 free cores; largest free: 0"), result.waiting());
  }

  @Test
  void aGpuJobGoesOnlyWhereItsGpusAreFreeAndCpuJobsLeaveGpuExecutorsAlone() {
    Placement.Slot busyGpus = new Placement.Slot("busy", new Capacity(16, 2, 8192), new Capacity(16, 1, 8192));
    Placement.Slot freeGpus = new Placement.Slot("free", new Capacity(16, 2, 8192), new Capacity(16, 2, 8192));
    Placement.Slot cpu = slot("cpu", 16, 16);
    Placement.Job plain = new Placement.Job("t", "plain", 0, 1, SMALL);
    Placement.Job two = new Placement.Job("t", "two", 0, 2, new Capacity(2, 2, 384));
    Placement.Result result = Placement.place(List.of(two, plain), List.of(busyGpus, freeGpus, cpu), 0, Long.MAX_VALUE, Map.of());
    assertEquals(List.of(new Placement.Placed("plain", "cpu"), new Placement.Placed("two", "free")), result.placed());

    Placement.Job three = new Placement.Job("t", "three", 0, 1, new Capacity(2, 2, 384), 2);
    Placement.Slot peer = new Placement.Slot("peer", new Capacity(16, 2, 8192), new Capacity(16, 2, 8192), true);
    Placement.Slot busyPeer = new Placement.Slot("busy", new Capacity(16, 2, 8192), new Capacity(16, 0, 8192), true);
    assertEquals("needs 2 executors with 2 free cores, 2 GPUs, 384 MB; 1 has them",
        Placement.place(List.of(three), List.of(peer, busyPeer), 0, Long.MAX_VALUE, Map.of()).waiting().get("three"));
  }

  @Test
  void aJobGoesWhereItFitsMostTightly() {
    List<Placement.Slot> slots = List.of(slot("roomy", 16, 16), slot("snug", 4, 2), slot("full", 4, 0));
    Placement.Result result = Placement.place(List.of(new Placement.Job("t", "j", 0, 1, SMALL)), slots, 0, Long.MAX_VALUE, Map.of());
    assertEquals(List.of(new Placement.Placed("j", "snug")), result.placed());
  }

  @Test
  void aJobThatDoesNotFitDoesNotHoldBackSmallerOnes() {
    List<Placement.Job> jobs = List.of(new Placement.Job("t", "big", 9, 1, BIG), new Placement.Job("t", "small", 0, 2, SMALL));
    Placement.Result result = Placement.place(jobs, List.of(slot("e1", 8, 4)), 0, Long.MAX_VALUE, Map.of());
    assertEquals(List.of(new Placement.Placed("small", "e1")), result.placed());
    assertEquals("no executor has 6 free cores; largest free: 4", result.waiting().get("big"));
  }

  @Test
  void reasonsNameTheMissingResource() {
    Placement.Job gpuJob = new Placement.Job("t", "g", 0, 1, new Capacity(2, 1, 384));
    assertEquals("no executor is connected", Placement.place(List.of(gpuJob), List.of(), 0, Long.MAX_VALUE, Map.of()).waiting().get("g"));
    assertEquals("no executor is large enough: needs 1 GPU; largest has 0",
        Placement.place(List.of(gpuJob), List.of(slot("e1", 8, 8)), 0, Long.MAX_VALUE, Map.of()).waiting().get("g"));
    assertEquals("no executor is large enough: needs 6 cores; largest has 4",
        Placement.place(List.of(new Placement.Job("t", "b", 0, 1, BIG)), List.of(slot("e1", 4, 4)), 0, Long.MAX_VALUE, Map.of()).waiting().get("b"));

    Placement.Slot gpuBusy = new Placement.Slot("e2", new Capacity(8, 1, 8192), new Capacity(8, 0, 8192));
    assertEquals("no executor has 1 free GPU; most free: 0",
        Placement.place(List.of(gpuJob), List.of(gpuBusy), 0, Long.MAX_VALUE, Map.of()).waiting().get("g"));

    Placement.Slot lowMemory = new Placement.Slot("e3", new Capacity(8, 0, 4096), new Capacity(8, 0, 100));
    assertEquals("no executor has 384 MB of free memory; most free: 100 MB",
        Placement.place(List.of(new Placement.Job("t", "s", 0, 1, SMALL)), List.of(lowMemory), 0, Long.MAX_VALUE, Map.of()).waiting().get("s"));
  }

  @Test
  void placedJobsUseUpTheRoomWithinOneRound() {
    List<Placement.Job> jobs = List.of(
        new Placement.Job("t", "a", 0, 1, SMALL), new Placement.Job("t", "b", 0, 2, SMALL), new Placement.Job("t", "c", 0, 3, SMALL));
    Placement.Result result = Placement.place(jobs, List.of(slot("e1", 4, 4), slot("e2", 2, 2)), 0, Long.MAX_VALUE, Map.of());
    assertEquals(3, result.placed().size());
    assertEquals(Map.of(), result.waiting());
    assertEquals(List.of(new Placement.Placed("a", "e2"), new Placement.Placed("b", "e1"), new Placement.Placed("c", "e1")),
        result.placed());
  }

  @Test
  void aBigJobThatWaitedLongEnoughKeepsTheExecutorThatWillHoldIt() {
    // e1 could hold the big job once its running work ends; e2 never could
    List<Placement.Slot> slots = List.of(slot("e1", 8, 2), slot("e2", 4, 4));
    List<Placement.Job> jobs = List.of(new Placement.Job("t", "big", 0, 0, BIG), new Placement.Job("t", "small", 0, 10, SMALL));

    Placement.Result early = Placement.place(jobs, slots, 500, 1_000, Map.of());
    assertEquals(List.of(new Placement.Placed("small", "e1")), early.placed(), "backfilled where it fits tightest");

    Placement.Result late = Placement.place(jobs, slots, 1_000, 1_000, Map.of());
    assertEquals(List.of(new Placement.Placed("small", "e2")), late.placed(), "e1 is kept for the big job");
    assertEquals("no executor has 6 free cores; largest free: 4; e1 takes no new job until it can",
        late.waiting().get("big"));

    Placement.Result nowhereElse = Placement.place(jobs, List.of(slot("e1", 8, 2)), 1_000, 1_000, Map.of());
    assertEquals(List.of(), nowhereElse.placed());
    assertEquals(Set.of("big", "small"), nowhereElse.waiting().keySet());
  }

  private static final Capacity MEMBER = new Capacity(2, 0, 1024);

  /** An executor with a data port: it may be one member of a job on several. */
  private static Placement.Slot peer(String id, int cores, int freeCores) {
    return new Placement.Slot(id, new Capacity(cores, 0, 8192), new Capacity(freeCores, 0, 8192), true);
  }

  private static Placement.Job gang(String id, int priority, long submittedAt, int members) {
    return new Placement.Job("t", id, priority, submittedAt, MEMBER, members);
  }

  @Test
  void aGangGoesOnDistinctExecutorsEachFittingTightestFirst() {
    List<Placement.Slot> slots = List.of(peer("roomy", 16, 16), peer("snug", 4, 2), peer("mid", 8, 4), peer("full", 4, 0));
    Placement.Result result = Placement.place(List.of(gang("g", 0, 1, 3)), slots, 0, Long.MAX_VALUE, Map.of());
    assertEquals(List.of(new Placement.Placed("g", List.of("snug", "mid", "roomy"))), result.placed());

    // one executor with room for two members is still one member
    Placement.Result oneBig = Placement.place(List.of(gang("g", 0, 1, 2)), List.of(peer("e1", 16, 16)), 0, Long.MAX_VALUE, Map.of());
    assertEquals(List.of(), oneBig.placed());
    assertEquals("needs 2 executors with a data port and 2 cores, 1024 MB; only 1 is connected", oneBig.waiting().get("g"));
  }

  @Test
  void aGangIsPlacedWholeOrWaitsHoldingNothing() {
    // two gangs of 2 on three executors: the first takes two, the second takes none (not the
    // third alone), so a single job behind them still finds the third free
    List<Placement.Slot> slots = List.of(peer("e1", 2, 2), peer("e2", 2, 2), peer("e3", 2, 2));
    List<Placement.Job> jobs = List.of(gang("first", 0, 1, 2), gang("second", 0, 2, 2),
        new Placement.Job("t", "single", 0, 3, MEMBER));
    Placement.Result result = Placement.place(jobs, slots, 0, Long.MAX_VALUE, Map.of());
    assertEquals(List.of(new Placement.Placed("first", List.of("e1", "e2")), new Placement.Placed("single", "e3")),
        result.placed());
    assertEquals(Map.of("second", "needs 2 executors with 2 free cores, 1024 MB; 1 has them"), result.waiting());
  }

  @Test
  void onlyExecutorsWithADataPortTakeMembersOfAGang() {
    List<Placement.Slot> slots = List.of(slot("plain", 8, 8), peer("p1", 8, 8), slot("plain2", 8, 8));
    Placement.Result gangWaits = Placement.place(List.of(gang("g", 0, 1, 2)), slots, 0, Long.MAX_VALUE, Map.of());
    assertEquals(List.of(), gangWaits.placed());
    assertEquals("needs 2 executors with a data port and 2 cores, 1024 MB; only 1 is that large (2 more have no data port)",
        gangWaits.waiting().get("g"));
    Placement.Result singleRuns = Placement.place(List.of(new Placement.Job("t", "s", 0, 1, MEMBER)), slots, 0, Long.MAX_VALUE, Map.of());
    assertEquals(1, singleRuns.placed().size());
  }

  @Test
  void gangReasonsSayWhatIsMissing() {
    record Case(List<Placement.Slot> slots, Placement.Job job, String reason) {}
    Placement.Job gpuGang = new Placement.Job("t", "g", 0, 1, new Capacity(2, 1, 512), 2);
    List<Case> cases = List.of(
        new Case(List.of(), gang("g", 0, 1, 3), "no executor is connected"),
        new Case(List.of(peer("e1", 1, 1), peer("e2", 1, 1)), gang("g", 0, 1, 2),
            "no executor is large enough: needs 2 cores; largest has 1"),
        new Case(List.of(peer("e1", 4, 4), peer("e2", 4, 4)), gpuGang,
            "no executor is large enough: needs 1 GPU; largest has 0"),
        new Case(List.of(peer("e1", 4, 4), peer("e2", 4, 1), peer("e3", 4, 4)), gang("g", 0, 1, 3),
            "needs 3 executors with 2 free cores, 1024 MB; 2 have them"),
        new Case(List.of(peer("e1", 4, 4), peer("e2", 1, 1), peer("e3", 4, 4)), gang("g", 0, 1, 3),
            "needs 3 executors with a data port and 2 cores, 1024 MB; only 2 are that large"),
        new Case(List.of(slot("e1", 4, 4), slot("e2", 4, 4)), gang("g", 0, 1, 2),
            "needs 2 executors with a data port and 2 cores, 1024 MB; none is that large (2 more have no data port)"),
        new Case(List.of(new Placement.Slot("e1", new Capacity(4, 1, 8192), new Capacity(4, 0, 8192), true),
                new Placement.Slot("e2", new Capacity(4, 1, 8192), new Capacity(4, 1, 8192), true)), gpuGang,
            "needs 2 executors with 2 free cores, 1 GPU, 512 MB; 1 has them"));
    for (Case c : cases) {
      Placement.Result result = Placement.place(List.of(c.job()), c.slots(), 0, Long.MAX_VALUE, Map.of());
      assertEquals(List.of(), result.placed(), c.reason());
      assertEquals(c.reason(), result.waiting().get(c.job().jobId()));
    }
  }

  @Test
  void aGangThatWaitedLongEnoughKeepsTheExecutorsItCanDrainInto() {
    // e1 and e2 drain into the gang once their work ends; e3 is free, e4 is too small
    List<Placement.Slot> slots = List.of(peer("e1", 4, 1), peer("e2", 4, 0), peer("e3", 4, 4), peer("e4", 1, 1));
    Placement.Job big = new Placement.Job("t", "big", 0, 0, new Capacity(4, 0, 1024), 3);
    List<Placement.Job> jobs = List.of(big, new Placement.Job("t", "small", 0, 10, new Capacity(1, 0, 128)));

    Placement.Result early = Placement.place(jobs, slots, 500, 1_000, Map.of());
    assertEquals(List.of(new Placement.Placed("small", "e1")), early.placed(), "backfilled where it fits tightest");
    assertEquals("needs 3 executors with 4 free cores, 1024 MB; 1 has them", early.waiting().get("big"));

    Placement.Result late = Placement.place(jobs, slots, 1_000, 1_000, Map.of());
    assertEquals(List.of(new Placement.Placed("small", "e4")), late.placed(), "e1, e2, e3 are kept for the gang");
    assertEquals("needs 3 executors with 4 free cores, 1024 MB; 1 has them; e3, e1, e2 take no new job until it can",
        late.waiting().get("big"));

    // fewer executors large enough than members: keeping some would starve others for nothing
    Placement.Result cannot = Placement.place(jobs, List.of(peer("e1", 4, 1), peer("e3", 4, 4)), 1_000, 1_000, Map.of());
    assertEquals(List.of(new Placement.Placed("small", "e1")), cannot.placed());
  }

  @Test
  void aWaitingGangsKeptExecutorsDoNotBlockAnEarlierGangAndTwoGangsCannotDeadlock() {
    // both gangs have waited; the older keeps the two with most free, the younger the other two;
    // neither holds part of a placement, so each runs as soon as its own executors drain
    List<Placement.Slot> slots = List.of(peer("a", 4, 3), peer("b", 4, 3), peer("c", 4, 2), peer("d", 4, 2));
    Placement.Job older = new Placement.Job("t", "older", 0, 0, new Capacity(4, 0, 1024), 2);
    Placement.Job younger = new Placement.Job("t", "younger", 0, 1, new Capacity(4, 0, 1024), 2);
    Placement.Result result = Placement.place(List.of(younger, older), slots, 10_000, 1_000, Map.of());
    assertEquals(List.of(), result.placed());
    assertEquals("needs 2 executors with 4 free cores, 1024 MB; 0 have them; b, a take no new job until it can",
        result.waiting().get("older"));
    assertEquals("needs 2 executors with 4 free cores, 1024 MB; 0 have them; d, c take no new job until it can",
        result.waiting().get("younger"));
  }
}
