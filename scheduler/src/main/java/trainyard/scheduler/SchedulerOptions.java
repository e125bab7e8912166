package trainyard.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Scheduler} runs. Immutable; start from {@link #defaults()}.
 *
 * @param groupId          where the scheduler commits its position on {@code trainyard.jobs}
 * @param heartbeatTimeout an executor silent this long is lost and its jobs are requeued
 * @param tickInterval     how often silent executors are looked for
 * @param reserveAfter     a job waiting this long keeps an executor from the jobs behind it until it fits
 *                         (see {@link Placement}): the bound on how long a big job can be starved
 * @param settle           after its start the scheduler places nothing for this long, so that every live
 *                         executor has beaten (they beat every second) and listed what it runs: a job an
 *                         earlier scheduler process placed just before it stopped is adopted, not placed twice
 * @param clock            the time for heartbeat expiry and event timestamps
 * @param maxAttempts      a job whose attempts failed this many times (a member's executor lost,
 *                         restarted, or its part failed) ends FAILED instead of being requeued
 */
public record SchedulerOptions(String groupId, Duration heartbeatTimeout, Duration tickInterval, Duration reserveAfter,
    Duration settle, Clock clock, int maxAttempts) {
  public SchedulerOptions {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(clock, "clock");
    if (heartbeatTimeout.toMillis() <= 0) {
      throw new IllegalArgumentException("heartbeatTimeout must be > 0, got " + heartbeatTimeout);
    }
    if (tickInterval.toMillis() <= 0) {
      throw new IllegalArgumentException("tickInterval must be > 0, got " + tickInterval);
    }
    if (reserveAfter.isNegative()) {
      throw new IllegalArgumentException("reserveAfter must be >= 0, got " + reserveAfter);
    }
    if (settle.isNegative()) {
      throw new IllegalArgumentException("settle must be >= 0, got " + settle);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
  }

  /**
   * Group {@code trainyard-scheduler}, 10 s heartbeat timeout, 200 ms ticks, reservation after 5 min,
   * 2 s to settle, the system clock, 3 attempts.
   */
  public static SchedulerOptions defaults() {
    return new SchedulerOptions("trainyard-scheduler", Duration.ofSeconds(10), Duration.ofMillis(200),
        Duration.ofMinutes(5), Duration.ofSeconds(2), Clock.systemUTC(), 3);
  }

  public SchedulerOptions withGroupId(String groupId) {
    return new SchedulerOptions(groupId, heartbeatTimeout, tickInterval, reserveAfter, settle, clock, maxAttempts);
  }

  public SchedulerOptions withHeartbeatTimeout(Duration heartbeatTimeout) {
    return new SchedulerOptions(groupId, heartbeatTimeout, tickInterval, reserveAfter, settle, clock, maxAttempts);
  }

  public SchedulerOptions withTickInterval(Duration tickInterval) {
    return new SchedulerOptions(groupId, heartbeatTimeout, tickInterval, reserveAfter, settle, clock, maxAttempts);
  }

  public SchedulerOptions withReserveAfter(Duration reserveAfter) {
    return new SchedulerOptions(groupId, heartbeatTimeout, tickInterval, reserveAfter, settle, clock, maxAttempts);
  }

  public SchedulerOptions withSettle(Duration settle) {
    return new SchedulerOptions(groupId, heartbeatTimeout, tickInterval, reserveAfter, settle, clock, maxAttempts);
  }

  public SchedulerOptions withClock(Clock clock) {
    return new SchedulerOptions(groupId, heartbeatTimeout, tickInterval, reserveAfter, settle, clock, maxAttempts);
  }

  public SchedulerOptions withMaxAttempts(int maxAttempts) {
    return new SchedulerOptions(groupId, heartbeatTimeout, tickInterval, reserveAfter, settle, clock, maxAttempts);
  }
}
