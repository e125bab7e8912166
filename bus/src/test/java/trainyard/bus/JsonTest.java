package trainyard.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void everyMessageRoundTrips() {
    JobMessage job = JobMessage.submit("job-1", "t1", "{\"name\":\"x\"}", 3, 1_700_000_000_000L,
        "/data/datasets/ds1", null, 2, 300).withLostAttempts(1);
    Assignment run = Assignment.run("exec-1", job, List.of(new Member(0, "exec-1", "h", 7000, 0, 2, 0, 1)));
    JobEvent metric = JobEvent.metric("job-1", 3, 2, 40L, Map.of("train_loss", 0.5, "val_auc", 0.75),
        "exec-1", 123L);
    Heartbeat beat = new Heartbeat("exec-1", 8, 1, 4096, 5, 0, 2048, List.of("job-1"), 99L);

    assertEquals(job, roundTrip(job, JobMessage.class));
    assertEquals(run, roundTrip(run, Assignment.class));
    assertEquals(metric, roundTrip(metric, JobEvent.class));
    assertEquals(beat, roundTrip(beat, Heartbeat.class));
  }

  @Test
  void aHeartbeatWithGpusAndAMemberHoldingThemRoundTrip() {
    List<Gpu> devices = List.of(new Gpu(0, "NVIDIA H200", 150_754_820_096L, 9, 0, "job-1"),
        new Gpu(1, "NVIDIA H200", 150_754_820_096L, 9, 0, null));
    Heartbeat beat = new Heartbeat("exec-1", 16, 2, 4096, 14, 1, 2048, List.of("job-1"), 99L, "s1", "h", 7000,
        devices);
    Member member = new Member(0, "exec-1", null, 0, 0, 2, 0, 1, List.of(0));

    String json = new String(Json.write(beat), StandardCharsets.UTF_8);
    assertTrue(json.contains("{\"ordinal\":0,\"name\":\"NVIDIA H200\",\"memoryBytes\":150754820096,"
        + "\"computeMajor\":9,\"computeMinor\":0,\"jobId\":\"job-1\"}"), json);
    assertEquals(beat, roundTrip(beat, Heartbeat.class));
    assertEquals(member, roundTrip(member, Member.class));
    assertTrue(new String(Json.write(member), StandardCharsets.UTF_8).contains("\"gpus\":[0]"));
  }

  @Test
  void aHeartbeatAndAMemberFromWritersBeforeGpusHaveNone() {
    Heartbeat beat = Json.read("{\"executorId\":\"e\",\"cores\":4,\"runningJobs\":[]}"
        .getBytes(StandardCharsets.UTF_8), Heartbeat.class);
    Member member = Json.read("{\"rank\":0,\"executorId\":\"e\",\"workers\":1,\"servers\":1}"
        .getBytes(StandardCharsets.UTF_8), Member.class);
    assertEquals(List.of(), beat.devices());
    assertEquals(List.of(), member.gpus());
  }

  @Test
  void aHeartbeatNamesTheAttemptOfEachJobItRuns() {
    Heartbeat beat = new Heartbeat("exec-1", 4, 0, 4096, 2, 0, 2048, List.of("job-1", "job-2"), 99L, "s1", null, 0,
        List.of(), Map.of("job-1", 3, "job-2", 1));
    Heartbeat read = roundTrip(beat, Heartbeat.class);
    assertEquals(beat, read);
    assertEquals(3, read.attemptOf("job-1"));
    assertEquals(0, read.attemptOf("job-9"));
  }

  @Test
  void aHeartbeatFromAnExecutorBeforeAttemptsLeavesThemUnknown() {
    Heartbeat beat = Json.read("{\"executorId\":\"e\",\"cores\":4,\"runningJobs\":[\"job-1\"]}"
        .getBytes(StandardCharsets.UTF_8), Heartbeat.class);
    assertEquals(Map.of(), beat.attempts());
    assertEquals(0, beat.attemptOf("job-1"));
  }

  @Test
  void aMemberCannotHoldTheSameGpuTwice() {
    assertThrows(IllegalArgumentException.class, () -> new Member(0, "e", null, 0, 0, 1, 0, 1, List.of(1, 1)));
  }

  @Test
  void nullFieldsAreLeftOut() {
    String json = new String(Json.write(JobEvent.log("job-1", 1, "hello", null, 5L)),
        StandardCharsets.UTF_8);
    assertTrue(json.contains("\"message\":\"hello\""), json);
    assertFalse(json.contains("modelPath"), json);
    assertFalse(json.contains("executorId"), json);
  }

  @Test
  void unknownFieldsFromANewerWriterAreIgnored() {
    String json = "{\"type\":\"CANCEL\",\"jobId\":\"job-9\",\"tenantId\":\"t\",\"fromTheFuture\":{\"a\":1}}";
    JobMessage read = Json.read(json.getBytes(StandardCharsets.UTF_8), JobMessage.class);
    assertEquals(JobMessage.cancel("job-9", "t"), read);
  }

  @Test
  void anEventFromAWriterOlderThanItsAttemptFieldHasAttemptZero() {
    String json = "{\"eventId\":\"e1\",\"jobId\":\"job-1\",\"type\":\"STATE\",\"state\":\"RUNNING\","
        + "\"timeMillis\":7}";
    JobEvent read = Json.read(json.getBytes(StandardCharsets.UTF_8), JobEvent.class);
    assertEquals(0, read.attempt());
    assertEquals(JobState.RUNNING, read.state());
  }

  @Test
  void aBadMessageNamesItsTypeAndWhy() {
    Json.BadMessageException noJobId = assertThrows(Json.BadMessageException.class,
        () -> Json.read("{\"type\":\"SUBMIT\"}".getBytes(StandardCharsets.UTF_8), JobMessage.class));
    assertTrue(noJobId.getMessage().contains("JobMessage"), noJobId.getMessage());
    assertTrue(noJobId.getMessage().contains("jobId"), noJobId.getMessage());

    Json.BadMessageException badType = assertThrows(Json.BadMessageException.class,
        () -> Json.read("{\"type\":\"EXPLODE\",\"jobId\":\"j\"}".getBytes(StandardCharsets.UTF_8),
            JobMessage.class));
    assertTrue(badType.getMessage().contains("EXPLODE"), badType.getMessage());

    assertThrows(Json.BadMessageException.class,
        () -> Json.read("not json".getBytes(StandardCharsets.UTF_8), Heartbeat.class));
  }

  private static <T> T roundTrip(T message, Class<T> type) {
    return Json.read(Json.write(message), type);
  }
}
