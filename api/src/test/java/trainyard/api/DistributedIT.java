package trainyard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.api.demo.DemoData;
import trainyard.api.topology.Cluster;
import trainyard.bus.Topics;

/**
 * docker-compose.yml's topology, run without Docker ({@link Cluster}: an external PostgreSQL, an
 * external KRaft broker, the api, the scheduler and two executors as four JVMs of the packaged jar,
 * each with the environment its compose service declares), checked against the compose file and
 * the README. A key missing from the README's configuration table, a role that needs what it should not
 * (a database for the scheduler or an executor) or a topology that does not train fails here.
 * Then jobs over both executor processes ({@code resources.executors} 2, members talking over
 * loopback data ports): one that runs to its end, and two whose member's executor is killed with
 * SIGKILL mid-job (rank 1's, then rank 0's, the coordinator) and started again under the same id, and
 * one whose coordinator's executor is stopped (SIGSTOP) until the job was requeued, then woken:
 * each is requeued once, naming the lost member, and resumes from its checkpoint to the same
 * metrics; the recovery is printed. Driven through the api's REST API only (and the checkpoint
 * manifest's time in the blob store, for the work redone). Logs of a killed executor in
 * target/distributed-it-{id}-before-kill.log.
 * Runs the real jar (failsafe, after {@code package}); logs in target/distributed-it-{service}.log.
 *
 * <p>What this cannot check: the image itself (Dockerfile), the postgres and apache/kafka images,
 * compose's start order (depends_on, health checks) and its network.
 */
class DistributedIT {
  private static final Duration WORK = Duration.ofSeconds(90);

  @TempDir Path work;

  private Cluster cluster;
  /** The shared blob store (the compose file's {@code blobs} volume). */
  private Path blobs;

  @Test
  void composeTopologyTrainsJobsOnTwoExecutorProcesses() throws Exception {
    Instant began = Instant.now();
    cluster = Cluster.stores(work, "distributed-it");
    ComposeFile compose = cluster.compose();
    Map<String, String> variables = cluster.variables();
    Set<String> documented = readmeEnvironmentVariables();
    for (String service : Cluster.SERVICES) {
      assertEquals(".", compose.get(service, "build"), service + " is built from the one Dockerfile");
      assertEquals(compose.get("api", "image"), compose.get(service, "image"), service + " runs the api's image");
      for (String key : compose.environment(service, variables).keySet()) {
        assertTrue(key.equals("JAVA_OPTS") || documented.contains(key),
            service + ": " + key + " is not in the README's configuration table " + documented);
      }
    }
    // `docker compose up --scale executor=N`: replicas must not clash on a name or a host port, and
    // each must get its own id: the default, the container's host name.
    for (String key : List.of("container_name", "ports", "hostname")) {
      assertEquals(null, compose.get("executor", key), "a scaled executor service has no " + key);
    }
    assertFalse(compose.environment("executor", variables).containsKey("TRAINYARD_EXECUTOR_ID"),
        "each replica's id is its host name, not one id for all");
    assertFalse(compose.environment("executor", variables).containsKey("TRAINYARD_EXECUTOR_DATA_HOST"),
        "each replica's peers reach it at its host name");
    Set<String> topics = new TreeSet<>();
    Matcher topic = Pattern.compile("trainyard\\.[a-z]+").matcher(String.valueOf(compose.get("kafka-topics", "command")));
    while (topic.find()) {
      topics.add(topic.group());
    }
    assertEquals(new TreeSet<>(Topics.ALL), topics, "kafka-topics creates the topics the servers use");
    blobs = cluster.blobs();
    try {
      // Short, so that a job a restarted scheduler forgot (below) is sent again within the test.
      cluster.env("api").put("TRAINYARD_JOBS_RESEND_INTERVAL", "2s");
      cluster.env("api").put("TRAINYARD_JOBS_RESEND_MAX_INTERVAL", "4s");
      assertEquals("api", cluster.env("api").get("TRAINYARD_ROLES"));
      assertEquals("scheduler", cluster.env("scheduler").get("TRAINYARD_ROLES"));
      assertEquals("executor", cluster.env("executor-1").get("TRAINYARD_ROLES"));

      // The scheduler and executors first, alone with an empty database: they must start
      // without a schema and must not create one; only the api migrates.
      for (String service : Cluster.WORKERS) {
        cluster.start(service);
      }
      for (String service : Cluster.WORKERS) {
        cluster.awaitStarted(service);
      }
      assertEquals(0, cluster.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"),
          "only the api role may create the schema");
      assertEquals(0, cluster.count("SELECT count(*) FROM pg_stat_activity WHERE usename <> 'postgres'"),
          "the scheduler and executors hold no database connection");
      JsonNode refused = call("scheduler", "GET", "/api/v1/jobs", null, 404);
      assertEquals("not_an_api_process", refused.get("code").asText());

      cluster.start("api");
      cluster.awaitStarted("api");
      assertTrue(cluster.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") > 0,
          "the api migrated the external database");
      // Compose sets no admin token unless TRAINYARD_ADMIN_TOKEN is in the shell: the api then
      // generates one into the shared blob store (/data/admin-token in the api container).
      String token = cluster.adminToken();
      assertTrue(token.startsWith("ty_"), "a generated token, not a default: " + token);

      JsonNode executors = awaitExecutors(Set.of("executor-1", "executor-2"));
      for (JsonNode e : executors) {
        assertEquals(cluster.env(e.get("id").asText()).get("TRAINYARD_EXECUTOR_CORES"), e.get("cores").asText(),
            "TRAINYARD_EXECUTOR_CORES reached " + e);
        assertTrue(Instant.parse(e.get("lastSeen").asText()).isAfter(began), "a heartbeat of this run: " + e);
      }

      JsonNode uploaded = call("api", "POST", "/api/v1/datasets?name=compose&format=libsvm",
          HttpRequest.BodyPublishers.ofByteArray(DemoData.libsvm(10_000, 60, 6, 11)), 201);
      assertEquals("READY", uploaded.get("status").asText(), "the upload answers once ingested: " + uploaded);
      String dataset = uploaded.get("id").asText();
      // Each job takes all four cores an executor offers, so the two cannot share one while
      // both run; they are submitted at once, and small batches make each run for seconds.
      String spec = "{\"name\": \"compose-%d\", \"algorithm\": \"linear\", \"dataset\": \"" + dataset + "\","
          + " \"validation\": {\"fraction\": 0.2}, \"params\": {\"epochs\": 20, \"batchSize\": 1},"
          + " \"resources\": {\"workers\": 3, \"servers\": 1}}";
      CompletableFuture<JsonNode> first = submitAsync(String.format(spec, 1));
      CompletableFuture<JsonNode> second = submitAsync(String.format(spec, 2));
      String firstId = first.join().get("id").asText();
      String secondId = second.join().get("id").asText();
      // A third waits in the scheduler's queue for a free executor. The scheduler is restarted
      // alone meanwhile: the new one starts after the third's SUBMIT on the topic, so it runs only
      // because the api sends jobs still QUEUED again (trainyard.jobs.resend-interval).
      String thirdId = submitAsync(String.format(spec, 3)).join().get("id").asText();
      awaitReason("/api/v1/jobs/" + thirdId, "no executor has");
      Instant schedulerStopped = cluster.restart("scheduler");
      List<JsonNode> jobs = List.of(
          await("api", "/api/v1/jobs/" + firstId, "SUCCEEDED"),
          await("api", "/api/v1/jobs/" + secondId, "SUCCEEDED"));
      JsonNode third = await("api", "/api/v1/jobs/" + thirdId, "SUCCEEDED");
      assertTrue(instant(third, "assignedAt").isAfter(schedulerStopped), "placed by the new scheduler: " + third);

      boolean firstEarlier = !instant(jobs.get(1), "assignedAt").isBefore(instant(jobs.get(0), "assignedAt"));
      JsonNode earlier = jobs.get(firstEarlier ? 0 : 1);
      JsonNode later = jobs.get(firstEarlier ? 1 : 0);
      assertTrue(instant(later, "assignedAt").isBefore(instant(earlier, "finishedAt")),
          "the second job was placed while the first ran (else it may share its executor): " + jobs);
      Set<String> ranOn = new TreeSet<>();
      for (JsonNode job : jobs) {
        String executor = job.get("executorId").asText();
        ranOn.add(executor);
        assertRunBy(job.get("id").asText(), executor);
        assertTrue(Files.isRegularFile(blobs.resolve("models").resolve(job.get("id").asText()).resolve("model.bin")),
            "the executor wrote the model into the shared blob store");
        JsonNode predicted = call("api", "POST", "/api/v1/models/" + job.get("modelId").asText() + "/predict",
            HttpRequest.BodyPublishers.ofString("1:1 7:1 9:1\n"), 200);
        assertEquals(1, predicted.get("predictions").size());
      }
      assertEquals(Set.of("executor-1", "executor-2"), ranOn, "one job on each executor process");
      assertFalse(Files.exists(blobs.resolve("postgres")), "no process started an embedded PostgreSQL");
      assertFalse(Files.exists(blobs.resolve("kafka")), "no process started an embedded Kafka");
      System.out.printf("DistributedIT: compose topology checked in %d s%n",
          Duration.between(began, Instant.now()).toSeconds());
      for (JsonNode job : jobs) {
        System.out.printf("  %s on %s: assigned %s, started %s, finished %s%n", job.get("id").asText(),
            job.get("executorId").asText(), job.get("assignedAt").asText(), job.get("startedAt").asText(),
            job.get("finishedAt").asText());
      }

      Instant distributedBegan = Instant.now();
      // Three times the rows, so that an epoch over the network lasts seconds: long enough to
      // kill a member in the middle of one.
      JsonNode larger = call("api", "POST", "/api/v1/datasets?name=two-executors&format=libsvm",
          HttpRequest.BodyPublishers.ofByteArray(DemoData.libsvm(30_000, 60, 6, 12)), 201);
      assertEquals("READY", larger.get("status").asText(), "" + larger);
      JsonNode overTwo = jobOverTwoExecutors(larger.get("id").asText());
      System.out.printf("DistributedIT: a job over two executor processes checked in %d s%n",
          Duration.between(distributedBegan, Instant.now()).toSeconds());
      Instant killBegan = Instant.now();
      // A member that is not the coordinator, then the coordinator (rank 0) itself.
      memberKilledMidJob(1, 2, larger.get("id").asText(), overTwo);
      memberKilledMidJob(0, 3, larger.get("id").asText(), overTwo);
      System.out.printf("DistributedIT: kill -9 of rank 1's, then rank 0's executor checked in %d s%n",
          Duration.between(killBegan, Instant.now()).toSeconds());
      Instant stallBegan = Instant.now();
      coordinatorStalledMidJob(4, larger.get("id").asText(), overTwo);
      System.out.printf("DistributedIT: SIGSTOP of rank 0's executor checked in %d s; %d s in all%n",
          Duration.between(stallBegan, Instant.now()).toSeconds(), Duration.between(began, Instant.now()).toSeconds());
    } catch (Throwable t) {
      cluster.printLogTails();
      throw t;
    } finally {
      cluster.close();
    }
  }

  /**
   * A job over both executor processes ({@code resources.executors} 2: one worker and one server
   * shard on each), the same spec for the job that runs to its end and for those whose member is
   * killed. Minibatches of one row over the network: about 3 s an epoch of the 30,000-row dataset
   * on a loaded 2-core machine; a checkpoint within an epoch every second, so a lost attempt redoes
   * little.
   */
  private static final String TWO_EXECUTOR_SPEC = "{\"name\": \"two-executors-%d\", \"algorithm\": \"linear\","
      + " \"dataset\": \"%s\", \"validation\": {\"fraction\": 0.2}, \"params\": {\"epochs\": %d, \"batchSize\": %d},"
      + " \"resources\": {\"executors\": 2, \"workers\": 2, \"servers\": 2}, \"stopping\": {\"checkpointSeconds\": 1}}";
  private static final int TWO_EXECUTOR_EPOCHS = 3;
  private static final int TWO_EXECUTOR_BATCH = 1;
  /** The val_auc of the killed job's resumed run and of the undisturbed one differ by at most this. */
  private static final double AUC_TOLERANCE = 0.03;
  private static final Pattern RESUMED =
      Pattern.compile("resumed from checkpoint at epoch (\\d+), (\\d+) minibatches done");

  /**
   * A job over the two executor processes: placed on both (ranks 0 and 1, each with its worker,
   * its shard and the shard's key range, on the loopback data ports), stats from both, the job's
   * state, metrics, progress and model from rank 0's executor only, and a model that predicts.
   * Returns the finished job.
   */
  private JsonNode jobOverTwoExecutors(String dataset) throws IOException, InterruptedException {
    String id = submitAsync(String.format(TWO_EXECUTOR_SPEC, 1, dataset, TWO_EXECUTOR_EPOCHS, TWO_EXECUTOR_BATCH))
        .join().get("id").asText();
    JsonNode job = await("api", "/api/v1/jobs/" + id, "SUCCEEDED");
    assertEquals(1, job.get("attempt").asInt(), "ran once: " + job);
    JsonNode members = assertMembers(job);
    String coordinator = members.get(0).get("executorId").asText();
    String other = members.get(1).get("executorId").asText();
    // Key ranges of a sparse model: the signed 64-bit space cut in two, rank 0 the lower half.
    long low = Long.parseLong(members.get(0).get("keyRanges").get(0).get(1).asText());
    long high = Long.parseLong(members.get(1).get("keyRanges").get(0).get(0).asText());
    assertEquals(String.valueOf(Long.MIN_VALUE), members.get(0).get("keyRanges").get(0).get(0).asText(), "" + members);
    assertEquals(String.valueOf(Long.MAX_VALUE), members.get(1).get("keyRanges").get(0).get(1).asText(), "" + members);
    assertEquals(low + 1, high, "the two shards' ranges meet: " + members);
    assertEquals(coordinator, job.get("executorId").asText(), "the job is shown on rank 0's executor: " + job);

    Set<String> states = new TreeSet<>();
    boolean otherTookPart = false;
    for (JsonNode e : events(id)) {
      String from = e.path("executorId").asText(null);
      if (from == null) {
        continue; // the api's and the scheduler's own QUEUED
      }
      if ("LOG".equals(e.get("type").asText())) {
        otherTookPart |= from.equals(other) && e.get("message").asText().contains("member 1 of 2");
        continue;
      }
      // ASSIGNED (the scheduler names rank 0's executor), RUNNING, METRIC, PROGRESS, MODEL, SUCCEEDED.
      assertEquals(coordinator, from, "only rank 0's executor reports the job: " + e);
      if ("STATE".equals(e.get("type").asText())) {
        states.add(e.get("state").asText());
      }
    }
    assertEquals(Set.of("ASSIGNED", "RUNNING", "SUCCEEDED"), states, "states of " + id);
    assertTrue(otherTookPart, "rank 1 logged its start on " + other);
    assertTrue(job.get("finalMetrics").get("val_auc").asDouble() > 0.6, "it learned: " + job.get("finalMetrics"));
    assertTrue(job.get("finalMetrics").get("examples_per_sec").asDouble() > 0, "" + job.get("finalMetrics"));
    assertPredicts(job);
    System.out.printf("  %s over %s (rank 0) and %s: %d epochs in %d ms, val_auc %.4f, members %s%n", id,
        coordinator, other, TWO_EXECUTOR_EPOCHS,
        Duration.between(instant(job, "startedAt"), instant(job, "finishedAt")).toMillis(),
        job.get("finalMetrics").get("val_auc").asDouble(), members);
    return job;
  }

  /**
   * kill -9 of member {@code killedRank}'s executor process mid-job (in its second epoch, past a checkpoint), then
   * that executor started again under the same id, as compose's restart policy would: the attempt
   * is lost, the scheduler requeues the whole job naming the killed member, and the next attempt,
   * on both executors again, resumes from the last checkpoint and ends as the same spec did
   * undisturbed ({@code undisturbed}). The scheduler notices either the new process's heartbeat
   * session ("restarted") or, if the process takes longer than the heartbeat timeout (10 s) to
   * start, the silence ("lost"): whichever comes first; both name the member. Prints the recovery:
   * kill to requeue, kill to RUNNING again, and the minibatches done twice.
   */
  private void memberKilledMidJob(int killedRank, int n, String dataset, JsonNode undisturbed) throws IOException, InterruptedException {
    String id = submitAsync(String.format(TWO_EXECUTOR_SPEC, n, dataset, TWO_EXECUTOR_EPOCHS, TWO_EXECUTOR_BATCH))
        .join().get("id").asText();
    String path = "/api/v1/jobs/" + id;
    JsonNode job = awaitSecondEpoch(path);
    assertEquals(1, job.get("attempt").asInt(), "" + job);
    JsonNode members = job.get("members");
    assertEquals(2, members.size(), "" + job);
    String victim = members.get(killedRank).get("executorId").asText();
    String survivor = members.get(1 - killedRank).get("executorId").asText();

    Instant killed = cluster.kill(victim);
    // The last checkpoint committed before the kill (the manifest is replaced atomically, last):
    // what the next attempt resumes from. Training ran from then to the kill, to be done again.
    Instant committed = Files.getLastModifiedTime(blobs.resolve("checkpoints").resolve(id).resolve("manifest.bin"))
        .toInstant();
    cluster.start(victim);
    cluster.awaitStarted(victim);
    Instant restarted = Instant.now();

    JsonNode done = awaitJob(path, j -> {
      assertFalse(Set.of("FAILED", "CANCELLED").contains(j.get("status").asText()), path + ": " + j);
      return "SUCCEEDED".equals(j.get("status").asText());
    }, "SUCCEEDED after the kill");
    assertEquals(2, done.get("attempt").asInt(), "one attempt lost, the second ran to the end: " + done);
    JsonNode again = assertMembers(done);

    List<JsonNode> events = events(id);
    Pattern requeue = Pattern.compile("member " + killedRank + " \\(executor " + Pattern.quote(victim)
        + "\\) (lost|restarted); will resume from checkpoint");
    int requeued = -1;
    String noticed = null;
    for (int i = 0; i < events.size() && requeued < 0; i++) {
      JsonNode e = events.get(i);
      Matcher m = requeue.matcher(e.path("reason").asText(""));
      if ("STATE".equals(e.get("type").asText()) && "QUEUED".equals(e.get("state").asText()) && m.matches()) {
        requeued = i;
        noticed = m.group(1);
      }
    }
    assertTrue(requeued >= 0, "the scheduler requeued the job naming member " + killedRank + " (" + victim
        + "): " + states(events));
    Instant requeuedAt = instant(events.get(requeued), "time");
    Instant runningAgain = null;
    Matcher resumed = null;
    boolean survivorLetGo = false;
    double examplesPerSec = 0;
    long totalSteps = 0;
    long firstEpochSteps = 0;
    for (JsonNode e : events) {
      if ("METRIC".equals(e.get("type").asText())) {
        totalSteps = Math.max(totalSteps, e.get("step").asLong());
        if (e.get("epoch").asInt() == 1) {
          firstEpochSteps = e.get("step").asLong();
        }
      }
    }
    assertTrue(firstEpochSteps > 0 && totalSteps == firstEpochSteps * TWO_EXECUTOR_EPOCHS,
        "a METRIC an epoch, the same minibatches each: " + firstEpochSteps + ", " + totalSteps);
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      String type = e.get("type").asText();
      String message = e.path("message").asText("");
      if ("LOG".equals(type)) {
        survivorLetGo |= survivor.equals(e.path("executorId").asText())
            && message.startsWith("attempt 1 lost on executor " + survivor);
      }
      if (i < requeued) {
        // Attempt 1: its last epoch's training rate.
        if ("METRIC".equals(type)) {
          examplesPerSec = e.get("metrics").get("examples_per_sec").asDouble();
        }
        continue;
      }
      if ("STATE".equals(type) && "RUNNING".equals(e.get("state").asText()) && runningAgain == null) {
        runningAgain = instant(e, "time");
        assertEquals(again.get(0).get("executorId").asText(), e.get("executorId").asText(),
            "the new attempt's rank 0 runs it: " + e);
      }
      Matcher m = RESUMED.matcher(message);
      if ("LOG".equals(type) && m.find()) {
        assertEquals(null, resumed, "one resume: " + e);
        resumed = m;
        assertEquals(again.get(0).get("executorId").asText(), e.get("executorId").asText(), "rank 0 resumed: " + e);
      }
    }
    assertTrue(survivorLetGo, "the surviving member " + survivor + " logged the lost attempt: " + states(events));
    assertTrue(runningAgain != null, "RUNNING again after the requeue: " + states(events));
    assertTrue(resumed != null, "the new attempt logged its resume: " + states(events));
    int resumedEpoch = Integer.parseInt(resumed.group(1));
    long resumedSteps = Long.parseLong(resumed.group(2));
    assertTrue(resumedEpoch >= 2 && resumedSteps >= firstEpochSteps,
        "resumed no earlier than the first epoch's checkpoint (" + firstEpochSteps + " minibatches): "
            + resumed.group());
    assertTrue(resumedSteps < totalSteps, resumed.group() + " of " + totalSteps);
    // Every STATE of a member's executor is of rank 0 of its attempt.
    String firstRankZero = members.get(0).get("executorId").asText();
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      if ("STATE".equals(e.get("type").asText()) && e.hasNonNull("executorId")) {
        assertEquals(i < requeued ? firstRankZero : again.get(0).get("executorId").asText(),
            e.get("executorId").asText(), "a state from rank 0 of its attempt: " + e);
      }
    }

    // Minibatches done twice: those from the checkpoint resumed to the kill, at attempt 1's last
    // epoch's rate (examples_per_sec, timed over its training only; one example a minibatch).
    long lostMillis = Duration.between(committed, killed).toMillis();
    assertTrue(lostMillis >= 0 && lostMillis < WORK.toMillis(), "checkpoint committed at " + committed
        + ", killed at " + killed);
    double batchesPerSec = examplesPerSec / TWO_EXECUTOR_BATCH;
    long twice = Math.round(batchesPerSec * lostMillis / 1000.0);
    double auc = done.get("finalMetrics").get("val_auc").asDouble();
    double undisturbedAuc = undisturbed.get("finalMetrics").get("val_auc").asDouble();
    assertTrue(Math.abs(auc - undisturbedAuc) <= AUC_TOLERANCE,
        "val_auc " + auc + " after the kill, " + undisturbedAuc + " undisturbed: " + done.get("finalMetrics"));
    assertPredicts(done);
    System.out.printf("  %s: killed rank %d's executor %s at %s, progress %.3f%n", id, killedRank, victim, killed,
        job.get("progress").asDouble());
    System.out.printf("    requeued %d ms after the kill (%s %s); %s's new process up in %d ms; RUNNING again "
            + "(attempt 2) %d ms after the kill%n", Duration.between(killed, requeuedAt).toMillis(), victim, noticed,
        victim, Duration.between(killed, restarted).toMillis(), Duration.between(killed, runningAgain).toMillis());
    System.out.printf("    resumed at epoch %d after %d of %d minibatches (%s), committed %d ms before the kill: about "
            + "%d minibatches (at %.0f a second) done twice%n", resumedEpoch, resumedSteps, totalSteps,
        resumedSteps % firstEpochSteps == 0 ? "an epoch's end" : "within the epoch", lostMillis, twice, batchesPerSec);
    System.out.printf("    val_auc %.4f (undisturbed %.4f); attempt 2's members %s%n", auc, undisturbedAuc, again);
  }

  /**
   * SIGSTOP of rank 0's executor (the coordinator) mid-job. To the scheduler it falls silent: after
   * the heartbeat timeout the whole job is requeued naming the member, the survivor lets its part
   * go, and the job waits, for no other executor is free. Then SIGCONT: the woken coordinator
   * finds its attempt gone and writes nothing of it (no STATE, METRIC or MODEL event from it
   * between its waking and the next attempt's placement, at most a last PROGRESS; a stale
   * attempt's events change nothing in the api anyway), its heartbeats bring it back, and the job runs again on both
   * executors, resumes from its checkpoint and ends SUCCEEDED on attempt 2. Prints stall to
   * requeue and wake to RUNNING.
   */
  private void coordinatorStalledMidJob(int n, String dataset, JsonNode undisturbed)
      throws IOException, InterruptedException {
    String id = submitAsync(String.format(TWO_EXECUTOR_SPEC, n, dataset, TWO_EXECUTOR_EPOCHS, TWO_EXECUTOR_BATCH))
        .join().get("id").asText();
    String path = "/api/v1/jobs/" + id;
    JsonNode job = awaitSecondEpoch(path);
    String victim = job.get("members").get(0).get("executorId").asText();
    String survivor = job.get("members").get(1).get("executorId").asText();
    Process p = cluster.process(victim);
    signal(p, "STOP");
    Instant stopped = Instant.now();
    Pattern requeue = Pattern.compile("member 0 \\(executor " + Pattern.quote(victim)
        + "\\) lost; will resume from checkpoint.*");
    JsonNode waiting;
    try {
      waiting = awaitJob(path, j -> {
        assertFalse(terminal(j), path + " ended while its coordinator was stopped: " + j);
        return "QUEUED".equals(j.get("status").asText()) && j.get("attempt").asInt() == 2;
      }, "QUEUED for attempt 2 while rank 0's executor is stopped");
      Thread.sleep(2_000);
      JsonNode still = call("api", "GET", path, null, 200);
      assertEquals("QUEUED", still.get("status").asText(), "nowhere to run both members meanwhile: " + still);
    } finally {
      signal(p, "CONT");
    }
    Instant woke = Instant.now();

    JsonNode done = awaitJob(path, j -> {
      assertFalse(Set.of("FAILED", "CANCELLED").contains(j.get("status").asText()), path + ": " + j);
      return "SUCCEEDED".equals(j.get("status").asText());
    }, "SUCCEEDED after the stall");
    assertEquals(2, done.get("attempt").asInt(), "one attempt lost, the second ran to the end: " + done);
    assertMembers(done);

    List<JsonNode> events = events(id);
    int requeued = -1;
    int placedAgain = -1;
    boolean survivorLetGo = false;
    boolean victimLetGo = false;
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      String type = e.get("type").asText();
      String from = e.path("executorId").asText("");
      if ("STATE".equals(type) && "QUEUED".equals(e.get("state").asText()) && requeued < 0
          && requeue.matcher(e.path("reason").asText("")).matches()) {
        requeued = i;
      }
      if ("STATE".equals(type) && "ASSIGNED".equals(e.get("state").asText()) && requeued >= 0 && placedAgain < 0) {
        placedAgain = i;
      }
      String message = e.path("message").asText("");
      if ("LOG".equals(type)) {
        // The survivor is told to let go (or loses its peer first); the woken one finds its peer gone.
        survivorLetGo |= from.equals(survivor) && (message.startsWith("attempt 1 lost on executor ")
            || message.endsWith("stopped: the job was moved to other executors"));
        victimLetGo |= from.equals(victim) && message.startsWith("attempt 1 lost on executor ");
      }
      boolean betweenWakeAndPlacement = requeued >= 0 && placedAgain < 0 && !instant(e, "time").isBefore(woke);
      if (betweenWakeAndPlacement && from.equals(victim)) {
        // Its coordinator loop may report progress in the moment after SIGCONT, before it hears that
        // its peer let go: a PROGRESS of attempt 1, which the api records and applies not.
        assertTrue(Set.of("LOG", "MEMBER", "PROGRESS").contains(type),
            "the woken coordinator wrote for its lost attempt: " + e);
      }
    }
    assertTrue(requeued >= 0, "requeued naming member 0 (" + victim + ") lost: " + states(events));
    assertTrue(placedAgain > requeued, "placed again after the requeue: " + states(events));
    assertTrue(survivorLetGo, "the survivor " + survivor + " logged the lost attempt: " + states(events));
    assertTrue(victimLetGo, "the woken " + victim + " logged that its attempt was lost: " + states(events));
    Instant requeuedAt = instant(events.get(requeued), "time");
    Instant runningAgain = null;
    for (int i = placedAgain; i < events.size() && runningAgain == null; i++) {
      JsonNode e = events.get(i);
      if ("STATE".equals(e.get("type").asText()) && "RUNNING".equals(e.get("state").asText())) {
        runningAgain = instant(e, "time");
      }
    }
    assertTrue(runningAgain != null, "RUNNING again: " + states(events));
    double auc = done.get("finalMetrics").get("val_auc").asDouble();
    double undisturbedAuc = undisturbed.get("finalMetrics").get("val_auc").asDouble();
    assertTrue(Math.abs(auc - undisturbedAuc) <= AUC_TOLERANCE,
        "val_auc " + auc + " after the stall, " + undisturbedAuc + " undisturbed: " + done.get("finalMetrics"));
    System.out.printf("  %s: stopped rank 0's executor %s at %s (progress %.3f), requeued %d ms later (%s); woke it "
            + "%d ms after the stop, RUNNING again (attempt 2) %d ms after waking; val_auc %.4f (undisturbed %.4f)%n",
        id, victim, stopped, job.get("progress").asDouble(), Duration.between(stopped, requeuedAt).toMillis(),
        waiting.path("statusReason").asText(), Duration.between(stopped, woke).toMillis(),
        Duration.between(woke, runningAgain).toMillis(), auc, undisturbedAuc);
  }

  /**
   * The job a quarter of the way into its second epoch or later (progress comes about once a
   * second): the first epoch's checkpoint is behind it (its METRIC comes after the commit), often
   * one within the epoch too, and more than an epoch ahead; where a member is best disturbed.
   */
  private JsonNode awaitSecondEpoch(String path) throws IOException, InterruptedException {
    double inSecondEpoch = 1.25 / TWO_EXECUTOR_EPOCHS;
    return awaitJob(path, j -> {
      assertFalse(terminal(j), "the job ended before its member could be disturbed: " + j);
      return "RUNNING".equals(j.get("status").asText()) && j.path("epoch").asInt(0) >= 1
          && j.path("progress").asDouble(0) >= inSecondEpoch;
    }, "RUNNING in its second epoch");
  }

  /** Sends {@code signal} (STOP, CONT) to the process, as kill(1) does. */
  private static void signal(Process p, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + p.pid());
  }

  /** Both executor processes in the job, rank by rank, with a worker, a shard, a key range and stats each. */
  private static JsonNode assertMembers(JsonNode job) {
    JsonNode members = job.get("members");
    assertEquals(2, members.size(), "two members: " + job);
    Set<String> on = new TreeSet<>();
    Set<Integer> ports = new TreeSet<>();
    for (int rank = 0; rank < 2; rank++) {
      JsonNode m = members.get(rank);
      assertEquals(rank, m.get("rank").asInt(), "" + members);
      on.add(m.get("executorId").asText());
      assertEquals("127.0.0.1", m.get("host").asText(), "the data host given: " + m);
      assertTrue(m.get("port").asInt() > 0, "a data port: " + m);
      ports.add(m.get("port").asInt());
      for (String part : List.of("workers", "servers")) {
        assertEquals(rank, m.get(part).get("first").asInt(), part + " of " + m);
        assertEquals(1, m.get(part).get("count").asInt(), part + " of " + m);
      }
      assertEquals(1, m.get("keyRanges").size(), "one shard's range: " + m);
      // A member's first report comes about a second after it starts, often before its first
      // minibatch (it scans its share and registers its keys first): 0 examples/s, and the
      // executor sends the next only 5 s later. So a member whose part is short shows 0 for good;
      // a rate is only asserted where it is known, the job's examples_per_sec.
      assertTrue(m.get("examplesPerSec").isNumber() && m.get("examplesPerSec").asDouble() >= 0,
          "stats of rank " + rank + ": " + m);
      assertTrue(m.get("bytesPushed").asLong() > 0, "stats of rank " + rank + ": " + m);
      assertTrue(m.get("bytesPulled").asLong() > 0, "stats of rank " + rank + ": " + m);
    }
    assertEquals(Set.of("executor-1", "executor-2"), on, "one member on each executor process: " + members);
    assertEquals(2, ports.size(), "each process its own data port: " + members);
    return members;
  }

  private void assertPredicts(JsonNode job) throws IOException, InterruptedException {
    JsonNode predicted = call("api", "POST", "/api/v1/models/" + job.get("modelId").asText() + "/predict",
        HttpRequest.BodyPublishers.ofString("1:1 7:1 9:1\n2:1 3:1\n"), 200);
    assertEquals(2, predicted.get("predictions").size(), "" + predicted);
    for (JsonNode p : predicted.get("predictions")) {
      assertTrue(p.asDouble() > 0 && p.asDouble() < 1, "a probability: " + predicted);
    }
  }

  private static boolean terminal(JsonNode job) {
    return Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("status").asText());
  }

  /** Polls the job until {@code done} says so (it may assert), for up to {@link #WORK}. */
  private JsonNode awaitJob(String path, java.util.function.Predicate<JsonNode> done, String what)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WORK.toNanos();
    JsonNode node = null;
    while (System.nanoTime() < deadline) {
      node = call("api", "GET", path, null, 200);
      if (done.test(node)) {
        return node;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " was not " + what + " within " + WORK.toSeconds() + " s: " + node);
  }

  /** The job's stored events, oldest first. */
  private List<JsonNode> events(String job) throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    call("api", "GET", "/api/v1/jobs/" + job + "/events?after=0&limit=10000", null, 200).forEach(out::add);
    return out;
  }

  /** The events but PROGRESS, METRIC and MEMBER, for messages. */
  private static List<String> states(List<JsonNode> events) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : events) {
      String type = e.get("type").asText();
      if (type.equals("STATE") || type.equals("LOG")) {
        out.add(e.get("time").asText() + " " + e.path("executorId").asText("-") + " " + type + " "
            + e.path("state").asText("") + e.path("reason").asText("") + e.path("message").asText(""));
      }
    }
    return out;
  }

  /** The environment variables of the README's configuration table (its second column). */
  private static Set<String> readmeEnvironmentVariables() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String table = readme.substring(readme.indexOf("## Configuration"));
    table = table.substring(0, table.indexOf("\n## "));
    Set<String> out = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| `[^`]+` \\| `([A-Z0-9_]+)` \\|").matcher(table);
    while (row.find()) {
      out.add(row.group(1));
    }
    assertTrue(out.contains("TRAINYARD_ROLES"), "read the README's configuration table: " + out);
    return out;
  }

  private static Instant instant(JsonNode node, String field) {
    return Instant.parse(node.get(field).asText());
  }

  private void awaitReason(String path, String reason) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WORK.toNanos();
    JsonNode node = null;
    while (System.nanoTime() < deadline) {
      node = call("api", "GET", path, null, 200);
      if (node.path("statusReason").asText("").contains(reason)) {
        return;
      }
      assertEquals("QUEUED", node.get("status").asText(), "the job was to wait: " + node);
      Thread.sleep(50);
    }
    throw new AssertionError(path + " never waited with '" + reason + "': " + node);
  }

  private JsonNode awaitExecutors(Set<String> ids) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WORK.toNanos();
    JsonNode list = null;
    while (System.nanoTime() < deadline) {
      list = call("api", "GET", "/api/v1/executors", null, 200);
      Set<String> seen = new TreeSet<>();
      list.forEach(e -> seen.add(e.get("id").asText()));
      if (seen.equals(ids)) {
        return list;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the api did not list the executors " + ids + ": " + list);
  }

  /** The job's events came from {@code executor}'s process: its RUNNING and terminal states. */
  private void assertRunBy(String job, String executor) throws IOException, InterruptedException {
    Set<String> stateEvents = new TreeSet<>();
    for (JsonNode e : call("api", "GET", "/api/v1/jobs/" + job + "/events?after=0&limit=200", null, 200)) {
      if ("STATE".equals(e.get("type").asText()) && e.has("executorId")) {
        assertEquals(executor, e.get("executorId").asText(), "job " + job + " event " + e);
        stateEvents.add(e.get("state").asText());
      }
    }
    assertTrue(stateEvents.containsAll(Set.of("RUNNING", "SUCCEEDED")), job + " states from " + executor + ": " + stateEvents);
    assertNotEquals("api", executor);
  }

  private CompletableFuture<JsonNode> submitAsync(String spec) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return call("api", "POST", "/api/v1/jobs", HttpRequest.BodyPublishers.ofString(spec), 201);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
  }

  private JsonNode await(String service, String path, String status) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WORK.toNanos();
    JsonNode node = null;
    while (System.nanoTime() < deadline) {
      node = call(service, "GET", path, null, 200);
      if (status.equals(node.get("status").asText())) {
        return node;
      }
      assertFalse(Set.of("FAILED", "CANCELLED").contains(node.get("status").asText()), path + ": " + node);
      Thread.sleep(100);
    }
    throw new AssertionError(path + " did not become " + status + ": " + node);
  }

  private JsonNode call(String service, String method, String path, HttpRequest.BodyPublisher body, int expected)
      throws IOException, InterruptedException {
    return cluster.call(service, method, path, body, expected);
  }
}
