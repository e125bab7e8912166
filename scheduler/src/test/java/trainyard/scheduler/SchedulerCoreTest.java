package trainyard.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import trainyard.bus.Assignment;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;

class SchedulerCoreTest {
  private static final long TIMEOUT = 5_000;

  private final List<Assignment> assignments = new ArrayList<>();
  private final List<JobEvent> events = new ArrayList<>();
  private static final long RESERVE_AFTER = 60_000;

  private final SchedulerCore.Sink sink = new SchedulerCore.Sink() {
    @Override
    public void assign(Assignment assignment) {
      assignments.add(assignment);
    }

    @Override
    public void event(JobEvent event) {
      events.add(event);
    }
  };
  private final SchedulerCore core = new SchedulerCore(TIMEOUT, RESERVE_AFTER, 0, sink);

  /** A job of {@code workers} workers and one server: workers + 1 cores. */
  static JobMessage job(String id, int workers, int priority, long submittedAt) {
    String spec = "{\"name\":\"" + id + "\",\"algorithm\":\"linear\",\"dataset\":\"ds\","
        + "\"resources\":{\"workers\":" + workers + ",\"servers\":1,\"gpus\":0},\"priority\":" + priority + "}";
    return JobMessage.submit(id, "tenant", spec, priority, submittedAt, "/data/datasets/ds", null, 1, 0);
  }

  static Heartbeat beat(String executor, int cores, int freeCores, long now, String... running) {
    return new Heartbeat(executor, cores, 0, 16_384, freeCores, 0, 16_384 - 512L * running.length,
        List.of(running), now);
  }

  private List<String> states() {
    List<String> out = new ArrayList<>();
    for (JobEvent e : events) {
      out.add(e.jobId() + " " + e.state() + (e.reason() == null ? "" : ": " + e.reason())
          + (e.executorId() == null ? "" : " @" + e.executorId()));
    }
    events.clear();
    return out;
  }

  /** The attempt of each event since the last {@link #states()}. */
  private List<Integer> attempts() {
    List<Integer> out = new ArrayList<>();
    for (JobEvent e : events) {
      out.add(e.attempt());
    }
    return out;
  }

  private List<String> runs() {
    List<String> out = new ArrayList<>();
    for (Assignment a : assignments) {
      out.add(a.type() + " " + a.jobId() + " @" + a.executorId() + (a.type() == Assignment.Type.RUN ? " #" + a.attempt() : ""));
    }
    assignments.clear();
    return out;
  }

  @Test
  void aJobWaitsForAnExecutorThenRunsOnTheFirstThatBeats() {
    core.onJob(job("j1", 2, 0, 1), 0);
    assertEquals(List.of("j1 QUEUED: no executor is connected"), states());
    core.tick(100);
    assertEquals(List.of(), states());

    core.onHeartbeat(beat("e1", 4, 4, 200), 200);
    assertEquals(List.of("j1 ASSIGNED @e1"), states());
    assertEquals(List.of("RUN j1 @e1 #1"), runs());
  }

  @Test
  void placedButNotYetListedJobsKeepTheirRoomAndTheReasonIsSentOnlyWhenItChanges() {
    core.onHeartbeat(beat("e1", 8, 8, 0), 0);
    core.onJob(job("a", 2, 0, 1), 10);
    core.onJob(job("b", 2, 0, 2), 10);
    core.onJob(job("c", 2, 0, 3), 10);
    // The heartbeat still says 8 free, but a and b hold 6 cores until the executor lists them.
    core.onHeartbeat(beat("e1", 8, 8, 20), 20);
    assertEquals(List.of("a ASSIGNED @e1", "b ASSIGNED @e1",
        "c QUEUED: no executor has 3 free cores; largest free: 2"), states());
    core.onHeartbeat(beat("e1", 8, 2, 30, "a", "b"), 30);
    core.tick(40);
    assertEquals(List.of(), states());

    // a ends: its heartbeat no longer lists it, and c takes its place.
    core.onHeartbeat(beat("e1", 8, 5, 50, "b"), 50);
    assertEquals(List.of("c ASSIGNED @e1"), states());
    assertEquals(List.of("RUN a @e1 #1", "RUN b @e1 #1", "RUN c @e1 #1"), runs());
  }

  @Test
  void priorityFirstThenAge() {
    core.onJob(job("low-old", 3, 0, 1), 0);
    core.onJob(job("high-new", 3, 5, 9), 0);
    core.onJob(job("high-old", 3, 5, 5), 0);
    assertEquals(List.of("high-old", "high-new", "low-old"), core.queuedJobs());
    states();
    core.onHeartbeat(beat("e1", 4, 4, 0), 0);
    assertEquals(List.of("RUN high-old @e1 #1"), runs());
    core.onHeartbeat(beat("e1", 4, 0, 1, "high-old"), 1);
    core.onHeartbeat(beat("e1", 4, 4, 2), 2);
    assertEquals(List.of("RUN high-new @e1 #1"), runs());
  }

  @Test
  void cancelDropsAQueuedJobAndIsForwardedOnceForAPlacedOne() {
    core.onJob(job("q", 2, 0, 1), 0);
    core.onJob(JobMessage.cancel("q", "tenant"), 1);
    assertEquals(List.of("q QUEUED: no executor is connected", "q CANCELLED: cancelled while queued"), states());
    core.onHeartbeat(beat("e1", 4, 4, 2), 2);
    assertEquals(List.of(), runs());

    core.onJob(job("r", 2, 0, 3), 3);
    core.onJob(JobMessage.cancel("r", "tenant"), 4);
    core.onJob(JobMessage.cancel("r", "tenant"), 5);
    assertEquals(List.of("RUN r @e1 #1", "CANCEL r @e1"), runs());
    // A duplicate submit of the cancelled queued job does not bring it back.
    core.onJob(job("q", 2, 0, 1), 6);
    assertEquals(List.of(), runs());
  }

  @Test
  void aLostExecutorsJobsAreRequeuedAndPlacedElsewhereAndTheZombieIsToldToLetGo() {
    core.onHeartbeat(beat("e1", 4, 4, 0), 0);
    core.onJob(job("j", 2, 0, 1), 0);
    core.onHeartbeat(beat("e1", 4, 1, 1000, "j"), 1000);
    assertEquals(List.of("RUN j @e1 #1"), runs());
    states();

    core.tick(1000 + TIMEOUT + 1);
    assertEquals(List.of(2, 2), attempts());
    assertEquals(List.of("j QUEUED: executor e1 lost; will resume from checkpoint",
        "j QUEUED: no executor is connected"), states());

    core.onHeartbeat(beat("e2", 4, 4, 7000), 7000);
    assertEquals(List.of(2), attempts());
    assertEquals(List.of("j ASSIGNED @e2"), states());
    assertEquals(List.of("RUN j @e2 #2"), runs());
    assertEquals("e2", core.executorOf("j"));

    core.onHeartbeat(beat("e1", 4, 1, 7100, "j"), 7100);
    core.onHeartbeat(beat("e1", 4, 1, 7200, "j"), 7200);
    assertEquals(List.of("RELEASE j @e1"), runs());
    assertEquals("e2", core.executorOf("j"));
  }

  @Test
  void anExecutorThatRestartsWithinTheTimeoutHasItsJobsRequeued() {
    core.onHeartbeat(new Heartbeat("e1", 4, 0, 16_384, 4, 0, 16_384, List.of(), 0, "first"), 0);
    core.onJob(job("j", 2, 0, 1), 0);
    core.onHeartbeat(new Heartbeat("e1", 4, 0, 16_384, 1, 0, 15_936, List.of("j"), 100, "first"), 100);
    assertEquals(List.of("RUN j @e1 #1"), runs());
    states();

    core.onHeartbeat(new Heartbeat("e1", 4, 0, 16_384, 4, 0, 16_384, List.of(), 200, "second"), 200);
    assertEquals(List.of("j QUEUED: executor e1 restarted; will resume from checkpoint", "j ASSIGNED @e1"), states());
    assertEquals(List.of("RUN j @e1 #2"), runs());
  }

  @Test
  void aJobPlacedByAnEarlierSchedulerIsAdoptedSoThatCancelReachesIt() {
    core.onHeartbeat(beat("e1", 4, 1, 0, "old"), 0);
    core.onJob(JobMessage.cancel("old", "tenant"), 1);
    assertEquals(List.of("CANCEL old @e1"), runs());
    core.onHeartbeat(beat("e1", 4, 4, 2), 2);
    assertNull(core.executorOf("old"));
  }

  @Test
  void aRestartedSchedulerSettlesAndAdoptsAJobItReadAgainRatherThanPlacingItTwice() {
    // j1 runs on ex-a, placed by the previous scheduler process, which stopped before it
    // committed the SUBMIT: this one reads it again, and ex-b happens to beat first
    SchedulerCore restarted = new SchedulerCore(TIMEOUT, RESERVE_AFTER, 2_000, sink);
    restarted.onJob(job("j1", 1, 0, 1), 0);
    restarted.onHeartbeat(beat("ex-b", 4, 4, 100), 100);
    restarted.tick(1_000);
    assertEquals(List.of(), runs());
    restarted.onHeartbeat(beat("ex-a", 2, 0, 1_100, "j1"), 1_100);
    restarted.tick(2_100);
    assertEquals(List.of(), runs());
    assertEquals("ex-a", restarted.executorOf("j1"));
    assertEquals(List.of(), restarted.queuedJobs());
    restarted.onJob(JobMessage.cancel("j1", "tenant"), 2_200);
    assertEquals(List.of("CANCEL j1 @ex-a"), runs());
    // settled, a new job is placed as usual
    restarted.onJob(job("j2", 1, 0, 2_300), 2_300);
    assertEquals(List.of("RUN j2 @ex-b #1"), runs());
  }

  @Test
  void anUnreadableSpecFailsTheJob() {
    core.onJob(JobMessage.submit("bad", "t", "{\"name\":", 0, 0, "/d", null, 1, 0), 0);
    List<String> s = states();
    assertEquals(1, s.size());
    assertEquals(true, s.get(0).startsWith("bad FAILED: invalid job spec: "), s.get(0));
  }

  @Test
  void aHigherAttemptReplacesAQueuedJobAndAnEndedAttemptIsNotRunAgain() {
    core.onHeartbeat(beat("e1", 4, 4, 0), 0);
    core.onJob(job("j", 2, 0, 1), 0);
    core.onHeartbeat(beat("e1", 4, 1, 1, "j"), 1);
    core.onHeartbeat(beat("e1", 4, 4, 2), 2);
    runs();
    core.onJob(job("j", 2, 0, 1), 3);
    assertEquals(List.of(), runs());

    JobMessage again = job("j", 2, 0, 1);
    core.onJob(JobMessage.submit("j", "tenant", again.specJson(), 0, 1, again.datasetDir(), null, 2, 0), 4);
    assertEquals(List.of("RUN j @e1 #2"), runs());
  }

  @Test
  void aJobWaitingPastTheLimitKeepsAnExecutorFromLaterJobs() {
    core.onHeartbeat(beat("e1", 8, 2, 0, "running"), 0);
    core.onHeartbeat(beat("e2", 4, 4, 0), 0);
    core.onJob(job("big", 5, 0, 0), 0); // 6 cores: only e1 could hold it, once "running" ends
    core.onJob(job("early", 1, 0, 1), 10);
    assertEquals(List.of("RUN early @e1 #1"), runs(), "before the limit, a small job backfills e1");

    // "early" ended: e1 has room for a small job again, and would be its tightest fit
    core.onHeartbeat(beat("e1", 8, 2, RESERVE_AFTER, "running"), RESERVE_AFTER);
    core.onJob(job("late", 1, 0, 2), RESERVE_AFTER);
    assertEquals(List.of("RUN late @e2 #1"), runs(), "past it, e1 is kept for the big job");
    core.onHeartbeat(beat("e1", 8, 8, RESERVE_AFTER + 10), RESERVE_AFTER + 10);
    assertEquals(List.of("RUN big @e1 #1"), runs());
  }
}
