package trainyard.api.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static trainyard.api.job.Reconciliation.NEVER;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import trainyard.api.job.Reconciliation.Action;
import trainyard.api.job.Reconciliation.Job;
import trainyard.bus.JobState;

/**
 * The reconciliation rule, case by case: no Kafka, no database. Times in seconds; the bound is 60 s,
 * max attempts 3.
 */
class ReconciliationTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final int MAX_ATTEMPTS = 3;
  /** A blank cell: {@link Reconciliation#NEVER}. */
  private static final long UNSEEN = -1;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # case                                                        | state     | changed | held | watching | now | cancel | lost | verdict
      listed just now                                               | RUNNING   | 0       | 299  | 0        | 300 | false  | 0    | KEEP
      listed within the bound                                       | RUNNING   | 0       | 240  | 0        | 300 | false  | 0    | KEEP
      unlisted exactly the bound                                    | RUNNING   | 0       | 240  | 0        | 300 | false  | 0    | KEEP
      unlisted past the bound: terminal state or executor lost      | RUNNING   | 0       | 239  | 0        | 300 | false  | 0    | REQUEUE
      never listed past the bound: its RUN or executor was lost     | ASSIGNED  | 100     | -1   | 0        | 161 | false  | 0    | REQUEUE
      placed within the bound, not listed yet                       | ASSIGNED  | 100     | -1   | 0        | 160 | false  | 0    | KEEP
      a recent change (a metric came) counts as a sign of life      | RUNNING   | 250     | 100  | 0        | 300 | false  | 0    | KEEP
      heartbeats unreadable now (Kafka down): no judgment           | RUNNING   | 0       | 10   | -1       | 300 | false  | 0    | KEEP
      reading heartbeats again for less than the bound              | RUNNING   | 0       | 10   | 250      | 300 | false  | 0    | KEEP
      reading heartbeats again for longer than the bound            | RUNNING   | 0       | 10   | 200      | 300 | false  | 0    | REQUEUE
      cancel asked, executor gone: ends CANCELLED, never runs again | RUNNING   | 0       | 100  | 0        | 300 | true   | 0    | CANCEL
      cancel asked, still listed: its executor is stopping it       | RUNNING   | 0       | 290  | 0        | 300 | true   | 0    | KEEP
      queued jobs are the scheduler's                               | QUEUED    | 0       | -1   | 0        | 300 | false  | 0    | KEEP
      ended jobs stay ended                                         | SUCCEEDED | 0       | -1   | 0        | 300 | false  | 0    | KEEP
      lost before, once: requeued                                   | RUNNING   | 0       | 100  | 0        | 300 | false  | 1    | REQUEUE
      lost before, twice: the third lost attempt is the last        | RUNNING   | 0       | 100  | 0        | 300 | false  | 2    | FAIL
      the last attempt, still listed: kept                          | RUNNING   | 0       | 290  | 0        | 300 | false  | 2    | KEEP
      the last attempt, cancel asked: cancelled, not failed         | RUNNING   | 0       | 100  | 0        | 300 | true   | 2    | CANCEL
      """)
  void decides(String name, JobState state, long changed, long held, long watching, long now, boolean cancel,
      int lost, Action expected) {
    Job job = new Job(state, 2, changed * 1000, cancel, lost);
    Reconciliation.Verdict verdict = Reconciliation.decide(job, held == UNSEEN ? NEVER : held * 1000,
        watching == UNSEEN ? NEVER : watching * 1000, now * 1000, BOUND, MAX_ATTEMPTS);
    assertEquals(expected, verdict.action(), name);
  }

  @Test
  void theReasonSaysWhatWasMissedAndForHowLong() {
    Job job = new Job(JobState.RUNNING, 2, 0, false, 0);
    assertEquals("no executor has reported running attempt 2 for 60 s (its executor or its terminal state was lost); "
        + "requeued, will resume from checkpoint",
        Reconciliation.decide(job, NEVER, 0, 61_000, BOUND, MAX_ATTEMPTS).reason());
    Job cancelled = new Job(JobState.RUNNING, 2, 0, true, 0);
    assertEquals("cancelled: no executor has reported running attempt 2 for 60 s (its executor or its terminal state "
        + "was lost)", Reconciliation.decide(cancelled, NEVER, 0, 61_000, BOUND, MAX_ATTEMPTS).reason());
    Job last = new Job(JobState.RUNNING, 3, 0, false, 2);
    assertEquals("gave up after 3 attempts: no executor has reported running attempt 3 for 60 s (its executor or its "
        + "terminal state was lost)", Reconciliation.decide(last, NEVER, 0, 61_000, BOUND, MAX_ATTEMPTS).reason());
  }
}
