package trainyard.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import trainyard.bus.BusProducer;
import trainyard.bus.Capacity;
import trainyard.bus.EmbeddedKafka;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.scheduler.Scheduler;
import trainyard.scheduler.SchedulerOptions;

/**
 * Submit → RUNNING latency on the bus: the api's SUBMIT message sent to the RUNNING event's
 * timestamp, through the embedded broker, the scheduler and a free executor, for 100 jobs one
 * after another (each ends before the next is sent; 10 more before them warm up). Not part of
 * {@code verify} (surefire runs only *Test classes); run it with
 * {@code ./mvnw -B -o -q -pl executor -am verify -Dtest=DispatchLatencyBench -Dsurefire.failIfNoSpecifiedTests=false}
 * and read {@code executor/target/surefire-reports/trainyard.executor.DispatchLatencyBench-output.txt}.
 */
class DispatchLatencyBench {
  private static final int WARM_UP = 10;
  private static final int JOBS = 100;

  @Test
  void submitToRunning() throws Exception {
    Path dir = Files.createTempDirectory("dispatch-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
         BusProducer api = new BusProducer(kafka.bootstrapServers(), "api");
         Scheduler scheduler = Scheduler.start(kafka.bootstrapServers(), SchedulerOptions.defaults());
         Executor executor = Executor.start(kafka.bootstrapServers(),
             ExecutorOptions.defaults("bench", dir.resolve("data")).withCapacity(new Capacity(4, 0, 4096)));
         Events<JobEvent> events = new Events<>(kafka.bootstrapServers(), JobEvent.class)) {
      Path dataset = TestData.dataset(dir.resolve("data/datasets/ds"), 200, 3);
      while (scheduler.executors().isEmpty()) {
        Thread.sleep(10);
      }
      long[] millis = new long[JOBS];
      for (int i = 0; i < WARM_UP + JOBS; i++) {
        String jobId = "job-" + i;
        long sent = System.currentTimeMillis();
        api.send(JobMessage.submit(jobId, "t", TestData.spec(1, 50), 0, sent, dataset.toString(), null, 1, 0));
        JobEvent running = events.await(e -> e.jobId().equals(jobId) && e.state() == JobState.RUNNING, "RUNNING");
        events.await(e -> e.jobId().equals(jobId) && e.state() != null && e.state().isTerminal(), "the end");
        if (i >= WARM_UP) {
          millis[i - WARM_UP] = running.timeMillis() - sent;
        }
      }
      Arrays.sort(millis);
      System.out.printf(Locale.ROOT, "submit -> RUNNING over %d jobs, free executor: p50 %d ms, p95 %d ms, max %d ms%n",
          JOBS, millis[JOBS / 2 - 1], millis[JOBS * 95 / 100 - 1], millis[JOBS - 1]);
    }
  }
}
