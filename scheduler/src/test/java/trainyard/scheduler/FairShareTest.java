package trainyard.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import trainyard.bus.Capacity;

class FairShareTest {
  private static final Capacity SMALL = new Capacity(2, 0, 512);

  private static Placement.Job job(String tenant, String id, int priority, long submittedAt) {
    return new Placement.Job(tenant, id, priority, submittedAt, SMALL);
  }

  /** {@code count} jobs of {@code tenant}, priority {@code priority}, ids tenant-0.., submitted 0.. */
  private static List<Placement.Job> many(String tenant, int count, int priority) {
    List<Placement.Job> jobs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      jobs.add(job(tenant, tenant + "-" + i, priority, i));
    }
    return jobs;
  }

  private static List<Placement.Job> concat(List<Placement.Job> a, Placement.Job... b) {
    List<Placement.Job> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
  }

  /** An executor of 16 cores and 16384 MB with {@code freeCores} and {@code freeMb} free. */
  private static Placement.Slot slot(String id, int freeCores, long freeMb) {
    return new Placement.Slot(id, new Capacity(16, 0, 16_384), new Capacity(freeCores, 0, freeMb));
  }

  private record Case(String name, List<Placement.Job> jobs, List<Placement.Slot> slots,
      Map<String, Capacity> running, List<String> placed) {}

  @Test
  void tenantsShareTheExecutorsByDominantShareAndPriorityOrdersOnlyATenantsOwnJobs() {
    List<Case> cases = List.of(
        new Case("a thousand jobs of priority 1000 cannot starve another tenant's job of priority 0",
            concat(many("a", 1000, 1000), job("b", "b-low", 0, 5_000)),
            List.of(slot("e1", 2, 8192)), Map.of("a", new Capacity(14, 0, 2048)), List.of("b-low")),
        new Case("nobody runs yet: the older job's tenant first, then the other, then turns",
            concat(many("a", 1000, 1000), job("b", "b-low", 0, 5_000)),
            List.of(slot("e1", 6, 8192)), Map.of(), List.of("a-0", "b-low", "a-1")),
        new Case("two tenants of a thousand jobs each take turns",
            concat(many("a", 1000, 7), many("b", 1000, 0).toArray(Placement.Job[]::new)),
            List.of(slot("e1", 8, 8192)), Map.of(), List.of("a-0", "b-0", "a-1", "b-1")),
        new Case("priority, then age, orders a tenant's own jobs",
            List.of(job("a", "low-old", 0, 1), job("a", "high-new", 9, 3), job("a", "high-old", 9, 2)),
            List.of(slot("e1", 4, 8192)), Map.of(), List.of("high-old", "high-new")),
        new Case("the dominant resource counts: memory held weighs like cores held",
            List.of(job("cores", "c", 0, 1), job("memory", "m", 0, 2)),
            List.of(slot("e1", 2, 8192)),
            Map.of("cores", new Capacity(8, 0, 1024), "memory", new Capacity(2, 0, 12_288)), List.of("c")),
        new Case("a tenant whose next job does not fit leaves its turn to its job behind",
            List.of(new Placement.Job("a", "a-big", 5, 1, new Capacity(8, 0, 512)), job("a", "a-small", 0, 2),
                job("b", "b-0", 0, 3)),
            List.of(slot("e1", 4, 8192)), Map.of(), List.of("a-small", "b-0")),
        new Case("a gang is placed all or nothing: it waits holding nothing and the other tenant's job goes",
            List.of(new Placement.Job("a", "gang", 0, 1, SMALL, 2), job("b", "single", 0, 2)),
            List.of(new Placement.Slot("p1", new Capacity(16, 0, 16_384), new Capacity(2, 0, 8192), true),
                new Placement.Slot("p2", new Capacity(16, 0, 16_384), new Capacity(0, 0, 8192), true)),
            Map.of(), List.of("single")));
    for (Case c : cases) {
      Placement.Result result = Placement.place(c.jobs(), c.slots(), 0, Long.MAX_VALUE, c.running());
      List<String> placed = new ArrayList<>();
      for (Placement.Placed p : result.placed()) {
        placed.add(p.jobId());
      }
      assertEquals(c.placed(), placed, c.name());
      assertEquals(c.jobs().size() - c.placed().size(), result.waiting().size(), c.name());
    }
  }

  @Test
  void theQueueOrderInterleavesTenantsAsTheirSharesGrow() {
    FairShare order = new FairShare(List.of(job("a", "a1", 9, 1), job("a", "a2", 9, 2), job("a", "a3", 9, 3),
        job("b", "b1", 0, 4)), Map.of("b", SMALL), new Capacity(8, 0, 8192));
    List<String> ids = new ArrayList<>();
    for (Placement.Job j = order.next(); j != null; j = order.next()) {
      order.charge(j);
      ids.add(j.jobId());
    }
    // b holds a quarter already: a goes until its share passes b's
    assertEquals(List.of("a1", "a2", "b1", "a3"), ids);
  }
}
