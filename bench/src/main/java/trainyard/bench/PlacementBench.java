package trainyard.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import trainyard.bus.Capacity;
import trainyard.scheduler.Placement;

/**
 * One placement round of the scheduler ({@link Placement#place}: tenants in fair-share order,
 * then each job on the executor it fits most tightly) on a synthetic queue:
 * {@code PlacementBench [jobs] [executors]}, for 1, 10, 100 and 1000 tenants. The queue is mostly
 * jobs that cannot fit (the executors are nearly full), the case that costs most: each is tried.
 * Prints the median and the slowest of 50 rounds after 20 to warm up.
 */
public final class PlacementBench {
  private static final int WARM_UP = 20;
  private static final int ROUNDS = 50;

  private PlacementBench() {}

  public static void main(String[] args) {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int executors = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    System.out.printf(Locale.ROOT, "%d queued jobs, %d executors, %d cores, %s%n", jobs, executors,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " "
            + System.getProperty("java.version"));
    System.out.println("| tenants | median ms | max ms | placed |");
    System.out.println("|---|---|---|---|");
    for (int tenants : new int[] {1, 10, 100, 1000}) {
      run(jobs, executors, tenants);
    }
  }

  private static void run(int jobCount, int executorCount, int tenants) {
    Random random = new Random(7);
    List<Placement.Slot> slots = new ArrayList<>();
    for (int i = 0; i < executorCount; i++) {
      Capacity total = new Capacity(32, 0, 131_072);
      slots.add(new Placement.Slot("ex-" + i, total, new Capacity(random.nextInt(4), 0, 4096 + random.nextInt(8192))));
    }
    List<Placement.Job> jobs = new ArrayList<>();
    for (int i = 0; i < jobCount; i++) {
      jobs.add(new Placement.Job("t" + random.nextInt(tenants), "job-" + i, random.nextInt(2001) - 1000, i,
          new Capacity(1 + random.nextInt(8), 0, 512 + random.nextInt(4096))));
    }
    Map<String, Capacity> running = new HashMap<>();
    for (int t = 0; t < tenants; t++) {
      running.put("t" + t, new Capacity(random.nextInt(64), 0, random.nextInt(65_536)));
    }
    long[] nanos = new long[ROUNDS];
    int placed = 0;
    for (int r = 0; r < WARM_UP + ROUNDS; r++) {
      long start = System.nanoTime();
      Placement.Result result = Placement.place(jobs, slots, 0, Long.MAX_VALUE, running);
      long took = System.nanoTime() - start;
      placed = result.placed().size();
      if (r >= WARM_UP) {
        nanos[r - WARM_UP] = took;
      }
    }
    Arrays.sort(nanos);
    System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %d |%n", tenants, nanos[ROUNDS / 2] / 1e6,
        nanos[ROUNDS - 1] / 1e6, placed);
  }
}
