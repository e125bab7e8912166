package trainyard.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import trainyard.bus.Assignment;
import trainyard.bus.Gpu;
import trainyard.bus.Heartbeat;
import trainyard.bus.JobEvent;
import trainyard.bus.JobMessage;
import trainyard.bus.JobState;
import trainyard.bus.Member;

class SchedulerCoreTest {
  private static final long TIMEOUT = 5_000;

  private final List<Assignment> assignments = new ArrayList<>();
  private final List<JobEvent> events = new ArrayList<>();
  private static final long RESERVE_AFTER = 60_000;
  private static final int MAX_ATTEMPTS = 3;

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
  private final SchedulerCore core = new SchedulerCore(TIMEOUT, RESERVE_AFTER, 0, MAX_ATTEMPTS, sink);

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
  void aTenantsHighPrioritiesDoNotGoBeforeAnotherTenantsTurn() {
    for (int i = 0; i < 50; i++) {
      core.onJob(JobMessage.submit("a" + i, "flood", job("a" + i, 1, 1000, i).specJson(), 1000, i,
          "/data/datasets/ds", null, 1, 0), 0);
    }
    core.onJob(JobMessage.submit("b", "other", job("b", 1, 0, 100).specJson(), 0, 100, "/data/datasets/ds", null, 1, 0), 0);
    assertEquals(List.of("a0", "b", "a1"), core.queuedJobs().subList(0, 3));
    core.onHeartbeat(beat("e1", 4, 4, 0), 0);
    assertEquals(List.of("RUN a0 @e1 #1", "RUN b @e1 #1"), runs());
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

  /** The api requeues a job whose terminal state was lost; the scheduler that adopted it must run that attempt. */
  @Test
  void anAdoptedJobThatEndedWithoutATerminalStateRunsWhenTheApiRequeuesIt() {
    core.onHeartbeat(beat("e1", 4, 1, 0, "lost", "done"), 0);
    core.onEvent(JobEvent.state("done", 1, JobState.SUCCEEDED, null, "e1", 5), 5);
    core.onHeartbeat(beat("e1", 4, 4, 10), 10); // both end; only done's terminal state came
    runs();

    JobMessage spec = job("lost", 2, 0, 1);
    core.onJob(JobMessage.submit("lost", "tenant", spec.specJson(), 0, 1, spec.datasetDir(), null, 2, 0), 20);
    assertEquals(List.of("RUN lost @e1 #2"), runs());
    core.onJob(JobMessage.submit("done", "tenant", spec.specJson(), 0, 1, spec.datasetDir(), null, 2, 0), 30);
    assertEquals(List.of(), runs(), "an ended job is not run again");
  }

  @Test
  void aRestartedSchedulerSettlesAndAdoptsAJobItReadAgainRatherThanPlacingItTwice() {
    // j1 runs on ex-a, placed by the previous scheduler process, which stopped before it
    // committed the SUBMIT: this one reads it again, and ex-b happens to beat first
    SchedulerCore restarted = new SchedulerCore(TIMEOUT, RESERVE_AFTER, 2_000, MAX_ATTEMPTS, sink);
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

  /** A placement whose RUN was lost: the api requeues the job as a later attempt, which is placed again. */
  @Test
  void aLaterAttemptReplacesAPlacementNoExecutorTookButNotOneThatRuns() {
    core.onHeartbeat(beat("e1", 4, 4, 0), 0);
    core.onJob(job("lost", 2, 0, 1), 0);
    assertEquals(List.of("RUN lost @e1 #1"), runs());
    states();
    core.onHeartbeat(beat("e1", 4, 4, 10), 10); // e1 never got the RUN: it lists nothing

    JobMessage first = job("lost", 2, 0, 1);
    core.onJob(JobMessage.submit("lost", "tenant", first.specJson(), 0, 1, first.datasetDir(), null, 2, 0), 20);
    assertEquals(List.of("RELEASE lost @e1"), runs());
    assertEquals(List.of("lost QUEUED: no executor has 3 free cores; largest free: 0; 1 still stopping its last attempt"),
        states());
    // Told to let go of attempt 1, e1 takes attempt 2 once a heartbeat shows it holds nothing of it.
    core.onHeartbeat(beat("e1", 4, 4, 25), 25);
    assertEquals(List.of("RUN lost @e1 #2"), runs());
    assertEquals(List.of("lost ASSIGNED @e1"), states());

    // Once an executor lists it, a later attempt's SUBMIT is a re-publish and changes nothing.
    core.onHeartbeat(beat("e1", 4, 1, 30, "lost"), 30);
    core.onJob(JobMessage.submit("lost", "tenant", first.specJson(), 0, 1, first.datasetDir(), null, 3, 0), 40);
    assertEquals(List.of(), runs());
    assertEquals(List.of(), states());
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

  /** A job of {@code workers} workers and {@code servers} servers over {@code executors} executors. */
  static JobMessage gangJob(String id, int executors, int workers, int servers, long submittedAt) {
    String spec = "{\"name\":\"" + id + "\",\"algorithm\":\"linear\",\"dataset\":\"ds\",\"resources\":{\"workers\":"
        + workers + ",\"servers\":" + servers + ",\"gpus\":0,\"executors\":" + executors + "}}";
    return JobMessage.submit(id, "tenant", spec, 0, submittedAt, "/data/datasets/ds", null, 1, 1024);
  }

  /** An executor with a data port at {@code {executor}.local:7000}, in session "s1". */
  static Heartbeat peerBeat(String executor, int cores, int freeCores, long now, String... running) {
    return peerBeat(executor, "s1", cores, freeCores, now, running);
  }

  static Heartbeat peerBeat(String executor, String session, int cores, int freeCores, long now, String... running) {
    return new Heartbeat(executor, cores, 0, 16_384, freeCores, 0, 16_384 - 1024L * running.length,
        List.of(running), now, session, executor + ".local", 7000);
  }

  /** Three executors with data ports run "g", a job of 3 members, placed at time 0 and listed at 100. */
  private void gangRunning() {
    for (String e : List.of("e1", "e2", "e3")) {
      core.onHeartbeat(peerBeat(e, 4, 4, 0), 0);
    }
    core.onJob(gangJob("g", 3, 3, 3, 1), 0);
    for (String e : List.of("e1", "e2", "e3")) {
      core.onHeartbeat(peerBeat(e, 4, 2, 100, "g"), 100);
    }
    assertEquals(List.of("RUN g @e1 #1", "RUN g @e2 #1", "RUN g @e3 #1"), runs());
    assertEquals(List.of("g ASSIGNED @e1"), states());
  }

  private void othersStillRun(long now, String... executors) {
    for (String e : executors) {
      core.onHeartbeat(peerBeat(e, 4, 2, now, "g"), now);
    }
  }

  @Test
  void aGangIsPlacedOnDistinctExecutorsAndEachMemberGetsTheWholeMemberList() {
    core.onHeartbeat(peerBeat("e1", 8, 8, 0), 0);
    core.onHeartbeat(peerBeat("e2", 4, 4, 0), 0);
    core.onHeartbeat(peerBeat("e3", 4, 4, 0), 0);
    core.onJob(gangJob("g", 3, 5, 3, 1), 0);

    // 5 workers over 3: 2, 2, 1 (rank 0 takes the remainder); each member asks for 2 + 1 cores
    List<Member> expected = List.of(
        new Member(0, "e2", "e2.local", 7000, 0, 2, 0, 1),
        new Member(1, "e3", "e3.local", 7000, 2, 2, 1, 1),
        new Member(2, "e1", "e1.local", 7000, 4, 1, 2, 1));
    assertEquals(1, events.size(), "one ASSIGNED for the whole job");
    assertEquals(JobState.ASSIGNED, events.get(0).state());
    assertEquals(expected, events.get(0).members());
    assertEquals(List.of("RUN g @e2 #1", "RUN g @e3 #1", "RUN g @e1 #1"),
        assignments.stream().map(a -> a.type() + " " + a.jobId() + " @" + a.executorId() + " #" + a.attempt()).toList());
    for (Assignment a : assignments) {
      assertEquals(expected, a.members());
      assertEquals(a.executorId(), a.self().executorId());
    }
    assertEquals(List.of("e2", "e3", "e1"), core.membersOf("g"));
    assertEquals("e2", core.executorOf("g"));
  }

  @Test
  void aSingleExecutorJobHasOneMemberWithoutAPortAndAnExecutorWithoutADataPortTakesOnlySuch() {
    core.onHeartbeat(beat("plain1", 8, 8, 0), 0);
    core.onHeartbeat(beat("plain2", 8, 8, 0), 0);
    core.onJob(gangJob("g", 2, 2, 2, 1), 0);
    assertEquals(List.of("g QUEUED: needs 2 executors with a data port and 2 cores, 1024 MB; none is that large "
        + "(2 more have no data port)"), states());
    core.onJob(job("s", 2, 0, 2), 0);
    assertEquals(List.of(new Member(0, "plain1", null, 0, 0, 2, 0, 1)), assignments.get(0).members());
    assertEquals(List.of("RUN s @plain1 #1"), runs());

    core.onHeartbeat(peerBeat("p1", 4, 4, 10), 10);
    core.onHeartbeat(peerBeat("p2", 4, 4, 10), 10);
    assertEquals(List.of("RUN g @p1 #1", "RUN g @p2 #1"), runs());
  }

  @Test
  void aLostMemberRequeuesTheWholeJobAndTheSurvivorsAreReleased() {
    gangRunning();
    core.onHeartbeat(peerBeat("e1", 4, 2, 4_000, "g"), 4_000);
    core.onHeartbeat(peerBeat("e3", 4, 2, 4_000, "g"), 4_000);
    core.tick(100 + TIMEOUT + 1); // e2 silent since 100

    assertEquals(List.of("RELEASE g @e1", "RELEASE g @e3"), runs());
    assertEquals(List.of(2, 2), attempts());
    assertEquals(List.of("g QUEUED: member 1 (executor e2) lost; will resume from checkpoint",
        "g QUEUED: needs 3 executors with a data port and 2 cores, 1024 MB; only 2 are connected; "
        + "2 still stopping its last attempt"), states());
    // the survivors still list it until they have stopped: told once, not adopted
    core.onHeartbeat(peerBeat("e1", 4, 2, 5_200, "g"), 5_200);
    assertEquals(List.of(), runs());

    // e2 is back, and e1 and e3 have let go: the job runs again, as attempt 2
    core.onHeartbeat(peerBeat("e1", 4, 4, 5_300), 5_300);
    core.onHeartbeat(peerBeat("e3", 4, 4, 5_300), 5_300);
    core.onHeartbeat(peerBeat("e2", "s2", 4, 4, 5_300), 5_300);
    assertEquals(List.of("RUN g @e1 #2", "RUN g @e2 #2", "RUN g @e3 #2"), runs());
  }

  @Test
  void aRestartedMemberRequeuesTheWholeJob() {
    gangRunning();
    core.onHeartbeat(peerBeat("e3", "s2", 4, 4, 200), 200);
    assertEquals(List.of("RELEASE g @e1", "RELEASE g @e2"), runs(), "e1 and e2 still run it: not placed there again");
    assertEquals(List.of("g QUEUED: member 2 (executor e3) restarted; will resume from checkpoint",
        "g QUEUED: needs 3 executors with 2 free cores, 1024 MB; 1 has them; 2 still stopping its last attempt"),
        states());
  }

  @Test
  void aMemberThatStopsListingTheJobFailsTheAttemptUnlessItsTerminalStateComes() {
    gangRunning();
    // e3's part failed (a peer timed out, say): it stops listing g and sends no terminal state
    core.onHeartbeat(peerBeat("e3", 4, 4, 1_000), 1_000);
    othersStillRun(1_000 + TIMEOUT - 1, "e1", "e2");
    core.tick(1_000 + TIMEOUT - 1);
    assertEquals(List.of(), states(), "it may be the end of the job: its terminal state may be on its way");
    core.tick(1_000 + TIMEOUT);
    assertEquals(List.of("RELEASE g @e1", "RELEASE g @e2"), runs());
    assertEquals(List.of("g QUEUED: member 2 (executor e3) failed; will resume from checkpoint",
        "g QUEUED: needs 3 executors with 2 free cores, 1024 MB; 1 has them; 2 still stopping its last attempt"),
        states());
    // once they have let go, it runs again
    for (String e : List.of("e1", "e2")) {
      core.onHeartbeat(peerBeat(e, 4, 4, 1_000 + TIMEOUT + 10), 1_000 + TIMEOUT + 10);
    }
    assertEquals(List.of("RUN g @e1 #2", "RUN g @e2 #2", "RUN g @e3 #2"), runs());
  }

  @Test
  void theReasonAMemberGaveForLosingTheAttemptIsTheRequeuesReason() {
    gangRunning();
    // e3's engine lost its peer; its executor says so (a stale attempt's word, or a stranger's, counts not)
    core.onEvent(JobEvent.memberLost("g", 1, 2, "rank 0 (10.0.0.1:7100) silent for 30000 ms", "e3", 900), 900);
    core.onEvent(JobEvent.memberLost("g", 7, 2, "of another attempt", "e3", 900), 900);
    core.onEvent(JobEvent.memberLost("g", 1, 2, "of a stranger", "e9", 900), 900);
    core.onHeartbeat(peerBeat("e3", 4, 4, 1_000), 1_000);
    othersStillRun(1_000 + TIMEOUT, "e1", "e2");
    core.tick(1_000 + TIMEOUT);
    assertEquals(List.of("g QUEUED: member 2 (executor e3) failed: rank 0 (10.0.0.1:7100) silent for 30000 ms; "
            + "will resume from checkpoint",
        "g QUEUED: needs 3 executors with 2 free cores, 1024 MB; 1 has them; 2 still stopping its last attempt"),
        states());
  }

  @Test
  void aGangEndsWithRankZerosTerminalStateWhenItsMembersStopBeforeIt() {
    gangRunning();
    // at the end, members 1 and 2 stop first; rank 0 writes the model, then reports
    core.onHeartbeat(peerBeat("e2", 4, 4, 1_000), 1_000);
    core.onHeartbeat(peerBeat("e3", 4, 4, 1_000), 1_000);
    core.onHeartbeat(peerBeat("e1", 4, 2, 1_000, "g"), 1_000);
    core.onEvent(JobEvent.state("g", 1, JobState.SUCCEEDED, null, "e1", 1_500), 1_500);
    core.onHeartbeat(peerBeat("e1", 4, 4, 1_600), 1_600);
    core.tick(1_000 + TIMEOUT + 1);
    core.tick(1_000 + 2 * TIMEOUT);
    assertEquals(List.of(), states());
    assertEquals(List.of(), runs());
    assertEquals(List.of(), core.membersOf("g"));
    // a late duplicate SUBMIT does not run it again
    core.onJob(gangJob("g", 3, 3, 3, 1), 20_000);
    assertEquals(List.of(), runs());
  }

  @Test
  void aTerminalStateOfAnotherAttemptOrFromANonMemberDoesNotEndTheJob() {
    gangRunning();
    core.onEvent(JobEvent.state("g", 7, JobState.SUCCEEDED, null, "e1", 200), 200);
    core.onEvent(JobEvent.state("g", 1, JobState.FAILED, null, "stranger", 200), 200);
    core.onEvent(JobEvent.state("g", 1, JobState.FAILED, "scheduler's own", null, 200), 200);
    core.onHeartbeat(peerBeat("e2", 4, 4, 1_000), 1_000);
    othersStillRun(1_000 + TIMEOUT, "e1", "e3");
    core.tick(1_000 + TIMEOUT);
    assertEquals(List.of("g QUEUED: member 1 (executor e2) failed; will resume from checkpoint",
        "g QUEUED: needs 3 executors with 2 free cores, 1024 MB; 1 has them; 2 still stopping its last attempt"),
        states());
  }

  @Test
  void aJobGivesUpAfterMaxAttempts() {
    core.onHeartbeat(peerBeat("e1", 4, 4, 0), 0);
    core.onJob(gangJob("g", 2, 2, 2, 1), 0);
    long now = 0;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      String session = "s" + attempt;
      core.onHeartbeat(peerBeat("e2", session, 4, 4, now), now); // a new e2 each time
      assertEquals(List.of("RUN g @e1 #" + attempt, "RUN g @e2 #" + attempt), runs());
      core.onHeartbeat(peerBeat("e1", 4, 2, now + 1, "g"), now + 1);
      core.onHeartbeat(peerBeat("e2", session, 4, 2, now + 1, "g"), now + 1);
      states();
      now += 1 + TIMEOUT + 1;
      core.onHeartbeat(peerBeat("e1", 4, 2, now - 1, "g"), now - 1);
      core.tick(now); // e2 lost
      runs();
      if (attempt < MAX_ATTEMPTS) {
        assertEquals("g QUEUED: member 1 (executor e2) lost; will resume from checkpoint", states().get(0));
        core.onHeartbeat(peerBeat("e1", 4, 4, now), now); // e1 let go of it
      }
    }
    assertEquals(List.of(MAX_ATTEMPTS), attempts());
    assertEquals(List.of("g FAILED: gave up after 3 attempts: member 1 (executor e2) lost"), states());
    assertEquals(List.of(), core.queuedJobs());
  }

  @Test
  void aSingleExecutorJobGivesUpAfterMaxAttemptsToo() {
    SchedulerCore once = new SchedulerCore(TIMEOUT, RESERVE_AFTER, 0, 1, sink);
    once.onHeartbeat(beat("e1", 4, 4, 0), 0);
    once.onJob(job("j", 2, 0, 1), 0);
    once.onHeartbeat(beat("e1", 4, 1, 1, "j"), 1);
    states();
    once.tick(2 + TIMEOUT);
    assertEquals(List.of("j FAILED: gave up after 1 attempt: executor e1 lost"), states());
  }

  @Test
  void aSingleExecutorJobWhoseExecutorLostTheAttemptRunsAgainAndGivesUpAfterMaxAttempts() {
    SchedulerCore twice = new SchedulerCore(TIMEOUT, RESERVE_AFTER, 0, 2, sink);
    twice.onHeartbeat(beat("e1", 4, 4, 0), 0);
    twice.onJob(job("j", 2, 0, 1), 0);
    twice.onHeartbeat(beat("e1", 4, 1, 1, "j"), 1);
    runs();
    states();
    for (int attempt = 1; attempt <= 2; attempt++) {
      long t = attempt * 10 * TIMEOUT;
      // the executor's disk filled: it says so, sends no terminal state, and stops listing j
      twice.onEvent(JobEvent.memberLost("j", attempt, 0, "No space left on device", "e1", t), t);
      twice.onHeartbeat(beat("e1", 4, 4, t + 1), t + 1);
      twice.tick(t + 1 + TIMEOUT - 1);
      assertEquals(List.of(), states(), "its terminal state may still be on its way");
      twice.tick(t + 1 + TIMEOUT);
      if (attempt == 1) {
        assertEquals(List.of("j QUEUED: executor e1 failed: No space left on device; will resume from checkpoint",
            "j ASSIGNED @e1"), states());
        assertEquals(List.of("RUN j @e1 #2"), runs());
        twice.onHeartbeat(beat("e1", 4, 1, t + 2 + TIMEOUT, "j"), t + 2 + TIMEOUT);
      } else {
        assertEquals(List.of("j FAILED: gave up after 2 attempts: executor e1 failed: No space left on device"),
            states());
        assertEquals(List.of(), runs());
      }
    }
  }

  @Test
  void aTerminalStateThatComesAfterTheRequeueEndsTheJobAfterAll() {
    core.onHeartbeat(beat("e1", 4, 4, 0), 0);
    core.onHeartbeat(beat("e2", 1, 1, 0), 0);
    core.onJob(job("j", 2, 0, 1), 0);
    core.onHeartbeat(beat("e1", 4, 1, 1, "j"), 1);
    runs();
    states();
    // j ended, but its SUCCEEDED is slow on the events topic: the scheduler requeues it, placed at once
    core.onHeartbeat(beat("e1", 4, 4, 10), 10);
    core.tick(10 + TIMEOUT);
    assertEquals(List.of("RUN j @e1 #2"), runs());
    states();
    core.onEvent(JobEvent.state("j", 7, JobState.SUCCEEDED, null, "e1", 20 + TIMEOUT), 20 + TIMEOUT);
    core.onEvent(JobEvent.state("j", 1, JobState.SUCCEEDED, null, "e9", 20 + TIMEOUT), 20 + TIMEOUT);
    assertEquals(List.of(), runs(), "another attempt's state, or a stranger's, ends nothing");
    core.onEvent(JobEvent.state("j", 1, JobState.SUCCEEDED, null, "e1", 20 + TIMEOUT), 20 + TIMEOUT);
    assertEquals(List.of("CANCEL j @e1"), runs(), "attempt 2 of a job that had ended must not run on");
    core.onEvent(JobEvent.state("j", 2, JobState.CANCELLED, "cancelled", "e1", 30 + TIMEOUT), 30 + TIMEOUT);
    assertEquals(List.of(), core.membersOf("j"));

    // Late while still queued: dropped from the queue, never placed
    core.onJob(job("k", 2, 0, 2), 40 + TIMEOUT);
    core.onHeartbeat(beat("e1", 4, 1, 40 + TIMEOUT, "k"), 40 + TIMEOUT);
    core.onHeartbeat(beat("e1", 4, 4, 50 + TIMEOUT), 50 + TIMEOUT);
    core.onJob(job("big", 3, 9, 3), 50 + TIMEOUT); // takes e1, which k left: k, requeued, waits
    assertEquals(List.of("RUN k @e1 #1", "RUN big @e1 #1"), runs());
    core.tick(50 + 2 * TIMEOUT);
    assertEquals(List.of(), runs());
    assertTrue(core.queuedJobs().contains("k"), "k requeued: " + core.queuedJobs());
    core.onEvent(JobEvent.state("k", 1, JobState.SUCCEEDED, null, "e1", 60 + 2 * TIMEOUT), 60 + 2 * TIMEOUT);
    assertFalse(core.queuedJobs().contains("k"), "k ended after all: " + core.queuedJobs());
    core.onHeartbeat(beat("e1", 4, 4, 70 + 2 * TIMEOUT), 70 + 2 * TIMEOUT);
    assertEquals(List.of(), runs(), "nothing left to run");
  }

  @Test
  void attemptsLostBeforeTheSubmitCountTowardMaxAttempts() {
    core.onHeartbeat(beat("e1", 4, 4, 0), 0);
    core.onJob(job("j", 2, 0, 1).withLostAttempts(MAX_ATTEMPTS - 1), 0); // the api's reconciliation requeued it
    core.onHeartbeat(beat("e1", 4, 1, 1, "j"), 1);
    states();
    core.tick(2 + TIMEOUT);
    assertEquals(List.of("j FAILED: gave up after 3 attempts: executor e1 lost"), states());
  }

  @Test
  void aJobNoExecutorIsLargeEnoughForSaysSo() {
    core.onHeartbeat(beat("e1", 4, 4, 0), 0);
    core.onHeartbeat(beat("e2", 2, 2, 0), 0);
    core.onJob(job("huge", 7, 0, 1), 0);
    assertEquals(List.of("huge QUEUED: no executor is large enough: needs 8 cores; largest has 4"), states());
  }

  @Test
  void cancellingAGangReachesEveryMember() {
    gangRunning();
    core.onJob(JobMessage.cancel("g", "tenant"), 200);
    assertEquals(List.of("CANCEL g @e1", "CANCEL g @e2", "CANCEL g @e3"), runs());
    // members stop; no requeue, even without a terminal state
    for (String e : List.of("e2", "e3", "e1")) {
      core.onHeartbeat(peerBeat(e, 4, 4, 300), 300);
    }
    core.tick(300 + TIMEOUT + 1);
    assertEquals(List.of(), states());
    assertEquals(List.of(), core.membersOf("g"));
  }

  @Test
  void aGangAdoptedByARestartedSchedulerKeepsAllItsMembers() {
    SchedulerCore restarted = new SchedulerCore(TIMEOUT, RESERVE_AFTER, 2_000, MAX_ATTEMPTS, sink);
    restarted.onJob(gangJob("g", 2, 2, 2, 1), 0);
    restarted.onHeartbeat(peerBeat("e1", 4, 2, 100, "g"), 100);
    restarted.onHeartbeat(peerBeat("e2", 4, 2, 100, "g"), 100);
    restarted.tick(2_100);
    assertEquals(List.of(), runs(), "neither is told to release it");
    assertEquals(List.of("e1", "e2"), restarted.membersOf("g"));
  }

  @Test
  void aJobThatEndsBeforeAnyHeartbeatListsItGivesItsRoomBack() {
    core.onHeartbeat(peerBeat("e1", 4, 4, 0), 0);
    core.onHeartbeat(peerBeat("e2", 4, 4, 0), 0);
    core.onJob(gangJob("quick", 2, 2, 2, 1), 0);
    runs();
    core.onEvent(JobEvent.state("quick", 1, JobState.FAILED, "bad data", "e1", 50), 50);
    assertEquals(List.of(), core.membersOf("quick"));
    core.onJob(gangJob("next", 2, 6, 2, 2), 60); // 3 + 1 cores each: all of e1 and e2
    assertEquals(List.of("RUN next @e1 #1", "RUN next @e2 #1"), runs());
  }

  /** A job of one worker and one server asking for {@code gpus} GPUs. */
  static JobMessage gpuJob(String id, int gpus, long submittedAt) {
    String spec = "{\"name\":\"" + id + "\",\"algorithm\":\"linear\",\"dataset\":\"ds\","
        + "\"resources\":{\"workers\":1,\"servers\":1,\"gpus\":" + gpus + "}}";
    return JobMessage.submit(id, "tenant", spec, 0, submittedAt, "/data/datasets/ds", null, 1, 256);
  }

  /** An executor of 16 cores whose GPUs 0..{@code holders.length - 1} are held by those jobs (null: free). */
  static Heartbeat gpuBeat(String executor, long now, String... holders) {
    List<Gpu> devices = new ArrayList<>();
    Set<String> running = new LinkedHashSet<>();
    for (int ordinal = 0; ordinal < holders.length; ordinal++) {
      devices.add(new Gpu(ordinal, "NVIDIA H200", 150_754_820_096L, 9, 0, holders[ordinal]));
      if (holders[ordinal] != null) {
        running.add(holders[ordinal]);
      }
    }
    int free = (int) devices.stream().filter(Gpu::free).count();
    return new Heartbeat(executor, 16, holders.length, 16_384, 16, free, 16_384, List.copyOf(running), now, "s1",
        null, 0, devices);
  }

  private List<Integer> gpusOf(String jobId) {
    for (Assignment a : assignments) {
      if (a.jobId().equals(jobId) && a.type() == Assignment.Type.RUN) {
        return a.self().gpus();
      }
    }
    throw new AssertionError("no RUN for " + jobId + " in " + assignments);
  }

  @Test
  void jobsPlacedBeforeAHeartbeatListsThemAreGivenDifferentGpus() {
    core.onHeartbeat(gpuBeat("e1", 0, null, null, null), 0);
    core.onJob(gpuJob("a", 2, 1), 10);
    core.onJob(gpuJob("b", 1, 2), 10);
    core.onJob(gpuJob("c", 1, 3), 10);
    core.onHeartbeat(gpuBeat("e1", 20, null, null, null), 20); // not yet listing a and b

    assertEquals(List.of(0, 1), gpusOf("a"));
    assertEquals(List.of(2), gpusOf("b"));
    assertEquals(List.of("a ASSIGNED @e1", "b ASSIGNED @e1", "c QUEUED: no executor has 1 free GPU; most free: 0"),
        states());
    assertEquals(List.of(new Member(0, "e1", null, 0, 0, 1, 0, 1, List.of(0, 1))),
        assignments.get(0).members(), "the ASSIGNED event and the RUN carry the same ordinals");
  }

  @Test
  void aGpuIsGivenAgainOnlyOnceTheHeartbeatSaysItsJobLetItGo() {
    core.onHeartbeat(gpuBeat("e1", 0, null, null), 0);
    core.onJob(gpuJob("a", 1, 1), 10);
    core.onJob(gpuJob("b", 1, 2), 10);
    core.onJob(gpuJob("c", 1, 3), 10);
    assertEquals(List.of(0), gpusOf("a"));
    assertEquals(List.of(1), gpusOf("b"));
    runs();
    core.onHeartbeat(gpuBeat("e1", 30, "a", "b"), 30);
    core.tick(40);
    assertEquals(List.of(), runs(), "both held: c waits");

    core.onHeartbeat(gpuBeat("e1", 50, null, "b"), 50); // a ended and freed GPU 0
    assertEquals(List.of(0), gpusOf("c"));
  }

  @Test
  void anExecutorWithoutDevicesTakesNoGpuJobButTakesCpuJobs() {
    core.onHeartbeat(beat("e1", 8, 8, 0), 0);
    core.onJob(gpuJob("g", 1, 1), 10);
    core.onJob(job("cpu", 2, 0, 2), 10);
    assertEquals(List.of("g QUEUED: no executor is large enough: needs 1 GPU; largest has 0", "cpu ASSIGNED @e1"),
        states());
    assertEquals(List.of(), gpusOf("cpu"));
  }
}
