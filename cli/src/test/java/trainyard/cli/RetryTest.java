package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 429 and 503 answers are sent again after their Retry-After, a bounded number of times. */
class RetryTest {
  private static final String JOB = "{\"id\":\"job_1\",\"name\":\"ctr\",\"status\":\"QUEUED\",\"members\":[]}";

  @TempDir Path home;
  private final List<Long> pauses = new ArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();

  /** A server whose first {@code refusals} answers are {@code status} with {@code headers}, then the job. */
  private StubServer server(int refusals, int status, Map<String, String> headers) throws IOException {
    return new StubServer("/api/v1/jobs/", path -> requests.incrementAndGet() <= refusals
        ? new StubServer.Answer(status, "{\"status\":" + status + ",\"code\":\"busy\",\"detail\":\"try later\"}", headers)
        : new StubServer.Answer(200, JOB));
  }

  @Test
  void a429IsSentAgainAfterItsRetryAfter() throws IOException {
    try (StubServer server = server(2, 429, Map.of("Retry-After", "7"))) {
      CliRun r = server.cli(home, pauses::add, "jobs", "show", "job_1");
      assertEquals(0, r.exit(), r.err());
      assertTrue(r.out().contains("QUEUED"), r.out());
    }
    assertEquals(3, requests.get());
    assertEquals(List.of(7_000L, 7_000L), pauses);
  }

  @Test
  void a503WithoutRetryAfterIsSentAgainAfterAGrowingPause() throws IOException {
    try (StubServer server = server(3, 503, Map.of())) {
      CliRun r = server.cli(home, pauses::add, "jobs", "show", "job_1");
      assertEquals(0, r.exit(), r.err());
    }
    assertEquals(List.of(1_000L, 2_000L, 4_000L), pauses);
  }

  @Test
  void afterTheLastRetryTheCommandFailsWithOneLine() throws IOException {
    try (StubServer server = server(Integer.MAX_VALUE, 429, Map.of("Retry-After", "30"))) {
      CliRun r = server.cli(home, pauses::add, "jobs", "show", "job_1");
      assertEquals(ExitCode.API, r.exit());
      assertTrue(r.oneErrorLine(), r.err());
      assertTrue(r.err().contains("try later (busy, HTTP 429); still so after 5 retries"), r.err());
    }
    assertEquals(ApiClient.RETRIES + 1, requests.get());
    assertEquals(ApiClient.RETRIES, pauses.size());
  }

  @Test
  void otherErrorsAreNotSentAgain() throws IOException {
    try (StubServer server = server(Integer.MAX_VALUE, 500, Map.of("Retry-After", "1"))) {
      assertEquals(ExitCode.API, server.cli(home, pauses::add, "jobs", "show", "job_1").exit());
    }
    assertEquals(1, requests.get());
    assertEquals(List.of(), pauses);
  }

  @Test
  void retryAfterIsSecondsOrADateAndNeverMoreThanAMinute() {
    Instant now = Instant.parse("2026-12-05T04:00:00Z");
    String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atZone(ZoneOffset.UTC));
    assertEquals(30_000, RetryAfter.millis(Optional.of(in30s), 0, now));
    assertEquals(0, RetryAfter.millis(Optional.of("0"), 3, now));
    assertEquals(60_000, RetryAfter.millis(Optional.of("86400"), 0, now));
    assertEquals(8_000, RetryAfter.millis(Optional.of("soon"), 3, now), "unreadable: the growing pause");
    assertEquals(60_000, RetryAfter.millis(Optional.empty(), 30, now));
  }
}
