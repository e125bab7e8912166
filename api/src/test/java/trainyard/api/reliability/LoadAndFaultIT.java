package trainyard.api.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.api.demo.DemoData;
import trainyard.api.topology.Cluster;
import trainyard.bus.BusProducer;
import trainyard.bus.JobEvent;
import trainyard.bus.JobState;
import trainyard.bus.Topics;

/**
 * Issue 13's load and fault suite, against the compose topology on this machine ({@link Cluster}:
 * external PostgreSQL and Kafka, the api, the scheduler and two executor processes). A wave of load
 * is: each tenant uploads its datasets (every other one streamed, the rest resumable in chunks,
 * one in five malformed) and submits its jobs at once (one in ten a bad spec), half before the
 * wave's fault and half while it lasts, a watcher listing each tenant's jobs meanwhile. One wave
 * runs undisturbed, then one for each fault: kill -9 of an executor (started again), of the
 * scheduler (started again), forged and malformed events on the bus, kill -9 of PostgreSQL (started
 * again), the broker stopped for a while, the blob store's filesystem full. After each: every
 * accepted upload ended READY, or FAILED with its reason when it was malformed; every valid job
 * SUCCEEDED, every bad spec was refused at submit with its code; every job each tenant lists is
 * terminal; the time from the fault to all that is the row's "back to normal". Clients retry 429
 * and 5xx as a well-behaved client does (counted), and no request may go unanswered for 30 s.
 * Then no tenant sees another's datasets or jobs, and the p95 of the API's answers is reported
 * (stated, not asserted).
 *
 * <p>Sized by system properties ({@code trainyard.reliability.tenants}, {@code .datasets} per
 * tenant a wave, {@code .jobs} a wave, {@code .faults}, {@code .kafka-down}); the defaults are
 * small enough for {@code verify}; {@code -Preliability} runs the size. The table is
 * written to target/reliability-report.md (see docs/RELIABILITY.md).
 */
class LoadAndFaultIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
  /** How long a client keeps retrying 429 and 5xx, and how long a wave may take to settle. */
  private static final Duration PATIENCE = Duration.ofMinutes(6);
  private static final String VALID = "{\"name\": \"%s\", \"algorithm\": \"linear\", \"dataset\": \"%s\","
      + " \"validation\": {\"fraction\": 0.2}, \"params\": {\"epochs\": 3},"
      + " \"resources\": {\"workers\": 1, \"servers\": 1}, \"stopping\": {\"checkpointSeconds\": 1}}";
  /** A misspelt parameter: refused at submit with {@code unknown_field}. */
  private static final String BAD = "{\"name\": \"%s\", \"algorithm\": \"linear\", \"dataset\": \"%s\","
      + " \"params\": {\"epochz\": 3}}";

  private final int tenantCount = Integer.getInteger("trainyard.reliability.tenants", 2);
  private final int datasetsPerTenant = Integer.getInteger("trainyard.reliability.datasets", 5);
  private final int jobsPerWave = Integer.getInteger("trainyard.reliability.jobs", 20);
  private final List<String> faults = List.of(System.getProperty("trainyard.reliability.faults",
      "executor,scheduler,events,postgres,kafka,disk").split(","));
  private final Duration kafkaDown = Duration.parse(System.getProperty("trainyard.reliability.kafka-down", "PT60S"));
  private static final int BLOB_FILESYSTEM_MB = 512;
  private static final Duration DISK_FULL = Duration.ofSeconds(20);
  /** Whether the blob store is a small filesystem of its own, which the disk fault fills. */
  private boolean blobFilesystem;

  @TempDir Path work;

  private Cluster cluster;
  /** Tenant name to its token. */
  private final Map<String, String> tenants = new LinkedHashMap<>();
  /** Latencies of the API's answers (ms) by operation. */
  private final Map<String, List<Long>> latencies = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<String> rows = new ArrayList<>();

  @Test
  void nothingIsLostNothingIsStuck() throws Exception {
    Instant began = Instant.now();
    blobFilesystem = faults.contains("disk") && mountSmallFilesystem(work.resolve("blobs"));
    cluster = Cluster.stores(work, "load-and-fault-it");
    try {
      // A scheduler restarted alone gets the jobs still QUEUED again within seconds, and a job whose
      // end was lost on the bus is reconciled within 20 s plus a round: bounds the test can wait for.
      cluster.env("api").put("TRAINYARD_JOBS_RESEND_INTERVAL", "2s");
      cluster.env("api").put("TRAINYARD_JOBS_RESEND_MAX_INTERVAL", "4s");
      cluster.env("api").put("TRAINYARD_JOBS_RECONCILE_AFTER", "20s");
      for (String instance : Cluster.INSTANCES.keySet()) {
        cluster.start(instance);
      }
      for (String instance : Cluster.INSTANCES.keySet()) {
        cluster.awaitStarted(instance);
      }
      cluster.adminToken();
      awaitExecutors();
      for (int t = 0; t < tenantCount; t++) {
        String name = "tenant-" + t;
        tenants.put(name, cluster.call("api", "POST", "/api/v1/tokens",
            HttpRequest.BodyPublishers.ofString("{\"tenant\": \"" + name + "\"}"), 201).get("token").asText());
      }
      rows.add("| fault | what was done | datasets accepted (READY / FAILED as meant) | jobs accepted (SUCCEEDED)"
          + " | bad specs refused at submit | answers 429 / 5xx (retried) | no answer in 30 s | fault → done, s"
          + " | fault → all terminal, s | wave, s |");
      rows.add("|---|---|---|---|---|---|---|---|---|---|");
      Map<String, Wave> waves = new LinkedHashMap<>();
      waves.put("none", wave("none", null));
      for (String fault : faults) {
        waves.put(fault, wave(fault, fault(fault.trim())));
      }
      waves.values().forEach(w -> rows.add(w.row()));
      assertIsolated(waves.values());
      report(began);
      for (Wave w : waves.values()) {
        assertEquals(0, w.unanswered.get(), "requests the api did not answer within 30 s during wave " + w.name);
      }
    } catch (Throwable t) {
      cluster.printLogTails();
      throw t;
    } finally {
      cluster.close();
      if (blobFilesystem) {
        unmount(work.resolve("blobs"));
      }
    }
  }

  /** What a wave did: what was accepted, what it ended as, when its fault came. */
  private static final class Wave {
    final String name;
    /** Tenant to its datasets and jobs accepted, each with what it must end as. */
    final Map<String, Map<String, String>> datasets = new LinkedHashMap<>();
    final Map<String, Map<String, String>> jobs = new LinkedHashMap<>();
    final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    /** Answers 429 or 5xx (each retried), and requests that got no answer within 30 s (retried too). */
    final AtomicInteger refusals = new AtomicInteger();
    final AtomicInteger unanswered = new AtomicInteger();
    Instant fault;
    /** The RUNNING job of the wave the fault struck at (it may have ended since). */
    JsonNode running;
    Instant recovered;
    Instant settled;
    String note = "";
    final Instant started = Instant.now();
    /** Each tenant's first half of the load is in; the fault has struck (or there is none). */
    final CountDownLatch firstHalf;
    final CountDownLatch struck = new CountDownLatch(1);

    Wave(String name, int tenants) {
      this.name = name;
      firstHalf = new CountDownLatch(tenants);
    }

    String row() {
      long ready = count(datasets, "READY");
      long failed = count(datasets, "FAILED");
      long succeeded = count(jobs, "SUCCEEDED");
      return String.format(Locale.ROOT, "| %s | %s | %d (%d / %d) | %d (%d) | %d | %d | %d | %s | %s | %d |", name,
          note.isEmpty() ? "—" : note, ready + failed, ready, failed, succeeded, succeeded, refused.size(), refusals.get(), unanswered.get(),
          fault == null ? "—" : seconds(fault, recovered), fault == null ? "—" : seconds(fault, settled),
          Duration.between(started, settled).toSeconds());
    }

    private static long count(Map<String, Map<String, String>> byTenant, String status) {
      return byTenant.values().stream().flatMap(m -> m.values().stream()).filter(status::equals).count();
    }

    private static String seconds(Instant from, Instant to) {
      return String.format(Locale.ROOT, "%.1f", Duration.between(from, to).toMillis() / 1000.0);
    }
  }

  /**
   * A fault: done once the wave is under way; runs {@code struck} once the damage is done (the
   * second half of the load then comes), recovers, and returns a note for the table.
   */
  private interface Fault {
    String inflict(Wave wave, Runnable struck) throws Exception;
  }

  /**
   * Runs a wave: each tenant on its own thread uploads half its datasets and submits half its
   * jobs; once a job of the wave runs the fault strikes, and the other halves come while it lasts.
   * Then waits until everything is terminal and checks what each ended as.
   */
  private Wave wave(String name, Fault fault) throws Exception {
    Wave wave = new Wave(name, tenantCount);
    ExecutorService pool = Executors.newFixedThreadPool(tenantCount);
    List<Future<?>> load = new ArrayList<>();
    int t = 0;
    for (Map.Entry<String, String> tenant : tenants.entrySet()) {
      Map<String, String> datasets = Collections.synchronizedMap(new LinkedHashMap<>());
      Map<String, String> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
      wave.datasets.put(tenant.getKey(), datasets);
      wave.jobs.put(tenant.getKey(), jobs);
      int index = t++;
      Client client = new Client(tenant.getValue(), wave, index);
      load.add(pool.submit(() -> {
        tenantLoad(client, name + "-" + index, wave, datasets, jobs);
        return null;
      }));
    }
    pool.shutdown();
    // What a dashboard does meanwhile: each tenant's job list, twice a second, until the wave settles.
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher = new Thread(() -> watch(wave, watching), "watcher-" + name);
    watcher.start();
    try {
      assertTrue(wave.firstHalf.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the first half of wave " + name);
      if (fault != null) {
        awaitRunning(wave);
        wave.fault = Instant.now();
        wave.note = fault.inflict(wave, wave.struck::countDown);
        wave.recovered = Instant.now();
      }
      wave.struck.countDown();
      for (Future<?> f : load) {
        f.get();
      }
      settle(wave);
      wave.settled = Instant.now();
    } finally {
      wave.struck.countDown();
      pool.shutdownNow();
      watching.set(false);
      watcher.join();
    }
    return wave;
  }

  private void watch(Wave wave, AtomicBoolean watching) {
    List<Client> clients = new ArrayList<>();
    tenants.values().forEach(token -> clients.add(new Client(token, wave, 0)));
    try {
      while (watching.get()) {
        for (Client c : clients) {
          c.send("list", "GET", "/api/v1/jobs?limit=200", null);
        }
        Thread.sleep(500);
      }
    } catch (Exception | AssertionError e) {
      // the load's own checks fail the test; a watcher stopped early only lists less
      System.err.println("watcher of wave " + wave.name + " stopped: " + e);
    }
  }

  /**
   * One tenant's part of a wave, in two halves around the fault: its datasets (uploaded one after
   * the other, as one client does), then its jobs submitted at once over the datasets READY.
   */
  private void tenantLoad(Client client, String prefix, Wave wave, Map<String, String> datasets,
      Map<String, String> jobs) throws Exception {
    List<String> ready = new ArrayList<>();
    int share = jobsPerWave / tenantCount + (client.index < jobsPerWave % tenantCount ? 1 : 0);
    upload(client, prefix, 0, (datasetsPerTenant + 1) / 2, datasets, ready);
    submit(client, prefix, 0, share / 2, ready, jobs, wave.refused);
    wave.firstHalf.countDown();
    assertTrue(wave.struck.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the fault of wave " + wave.name);
    upload(client, prefix, (datasetsPerTenant + 1) / 2, datasetsPerTenant, datasets, ready);
    submit(client, prefix, share / 2, share, ready, jobs, wave.refused);
  }

  /** Datasets {@code from..to-1}: every other one streamed, one in five malformed; the good ones awaited READY. */
  private void upload(Client client, String prefix, int from, int to, Map<String, String> datasets, List<String> ready)
      throws Exception {
    List<String> good = new ArrayList<>();
    for (int d = from; d < to; d++) {
      boolean malformed = d % 5 == 4;
      byte[] file = DemoData.libsvm(400 + 40 * d, 30, 4, d + 7L * prefix.hashCode());
      if (malformed) {
        // A bad line deep in the file: found while it arrives, wherever it is.
        String text = new String(file, StandardCharsets.US_ASCII);
        int cut = text.indexOf('\n', text.length() / 2) + 1;
        file = (text.substring(0, cut) + "1 3:abc\n" + text.substring(cut)).getBytes(StandardCharsets.US_ASCII);
      }
      String id = d % 2 == 0 ? client.streamed(prefix + "-ds" + d, file) : client.resumable(prefix + "-ds" + d, file);
      datasets.put(id, malformed ? "FAILED" : "READY");
      if (!malformed) {
        good.add(id);
      }
    }
    for (String id : good) {
      client.awaitStatus("/api/v1/datasets/" + id, "READY");
    }
    ready.addAll(good);
  }

  /** Jobs {@code from..to-1} at once over the READY datasets, one in ten a bad spec. */
  private void submit(Client client, String prefix, int from, int to, List<String> ready, Map<String, String> jobs,
      List<String> refused) throws Exception {
    List<Thread> submitters = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int j = from; j < to; j++) {
      boolean bad = j % 10 == 9;
      String key = prefix + "-job" + j;
      String spec = String.format(bad ? BAD : VALID, key, ready.get(j % ready.size()));
      Thread submitter = new Thread(() -> {
        try {
          // A well-behaved client's key: a retried submit (after a 503 or no answer) makes no second job.
          HttpResponse<String> answer = client.send("submit", "POST", "/api/v1/jobs", spec,
              Map.of("Idempotency-Key", key));
          JsonNode body = JSON.readTree(answer.body());
          if (bad) {
            assertEquals(400, answer.statusCode(), spec + ": " + answer.body());
            assertEquals("unknown_field", body.get("code").asText(), answer.body());
            refused.add(body.get("code").asText());
          } else {
            assertTrue(answer.statusCode() == 201 || answer.statusCode() == 200, spec + ": " + answer.body());
            jobs.put(body.get("id").asText(), "SUCCEEDED");
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      submitter.start();
      submitters.add(submitter);
    }
    for (Thread s : submitters) {
      s.join();
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(failures.size() + " submits went wrong: " + failures.get(0), failures.get(0));
    }
  }

  /** Waits until a job of the wave is RUNNING (where a fault hurts most), kept in {@link Wave#running}. */
  private void awaitRunning(Wave wave) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      wave.running = running(wave);
      if (wave.running != null) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no job of wave " + wave.name + " ran within " + PATIENCE);
  }

  /** A RUNNING job of the wave, or null. */
  private JsonNode running(Wave wave) throws Exception {
    for (Map.Entry<String, Map<String, String>> tenant : wave.jobs.entrySet()) {
      for (String id : List.copyOf(tenant.getValue().keySet())) {
        JsonNode job = JSON.readTree(cluster.send("api", tenants.get(tenant.getKey()), "GET", "/api/v1/jobs/" + id, null)
            .body());
        if ("RUNNING".equals(job.path("status").asText())) {
          return job;
        }
      }
    }
    return null;
  }

  private Fault fault(String name) {
    return switch (name) {
      case "executor" -> (wave, struck) -> {
        String victim = wave.running.get("executorId").asText();
        cluster.kill(victim);
        struck.run();
        cluster.start(victim);
        cluster.awaitStarted(victim);
        return "kill -9 of " + victim + " (it ran a job), started again";
      };
      case "scheduler" -> (wave, struck) -> {
        cluster.kill("scheduler");
        struck.run();
        cluster.start("scheduler");
        cluster.awaitStarted("scheduler");
        return "kill -9 of the scheduler, started again";
      };
      case "events" -> this::forgedAndMalformed;
      case "postgres" -> (wave, struck) -> {
        cluster.killPostgres(Duration.ofSeconds(5), struck);
        return "kill -9 of PostgreSQL, started again 5 s later";
      };
      case "disk" -> this::diskFilled;
      case "kafka" -> (wave, struck) -> {
        cluster.stopKafka();
        struck.run();
        Thread.sleep(kafkaDown.toMillis());
        cluster.startKafka();
        return "broker stopped for " + kafkaDown.toSeconds() + " s, started again";
      };
      default -> throw new IllegalArgumentException("no fault " + name
          + "; trainyard.reliability.faults takes executor, scheduler, events, postgres, kafka, disk");
    };
  }

  /**
   * On the wave's RUNNING job (refused the same if it has ended since): a SUCCEEDED from an executor that does not hold it, a RUNNING of
   * an attempt it does not have from its own executor, and a message that is no event. The three
   * are set aside (the dead-letter gauge rises by three) and the job goes on to its real end.
   */
  private String forgedAndMalformed(Wave wave, Runnable struck) throws Exception {
    double before = deadLetters();
    JsonNode job = wave.running;
    String id = job.get("id").asText();
    int attempt = job.get("attempt").asInt();
    try (BusProducer producer = new BusProducer(cluster.bootstrapServers(), "load-and-fault-it")) {
      producer.send(JobEvent.state(id, attempt, JobState.SUCCEEDED, null, "ex-forged", System.currentTimeMillis()));
      producer.send(JobEvent.state(id, attempt + 5, JobState.RUNNING, null, job.get("executorId").asText(),
          System.currentTimeMillis()));
    }
    Properties props = new Properties();
    props.put("bootstrap.servers", cluster.bootstrapServers());
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.EVENTS, id, "{\"eventId\": \"not an event".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    struck.run();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (deadLetters() < before + 3) {
      assertTrue(System.nanoTime() < deadline, "dead letters " + deadLetters() + ", were " + before);
      Thread.sleep(200);
    }
    return "2 forged + 1 malformed on trainyard.events: dead letters " + (long) before + " → " + (long) deadLetters();
  }

  /**
   * The blob store's filesystem (a tmpfs of {@link #BLOB_FILESYSTEM_MB} MB mounted for the test:
   * compose's {@code blobs} volume) filled with a ballast file for {@link #DISK_FULL}, then freed.
   */
  private String diskFilled(Wave wave, Runnable struck) throws Exception {
    if (!blobFilesystem) {
      struck.run();
      return "not run: no small filesystem could be mounted for the blob store here (needs root)";
    }
    Path ballast = cluster.blobs().resolve("ballast");
    long written = 0;
    byte[] megabyte = new byte[1 << 20];
    try (java.io.OutputStream out = Files.newOutputStream(ballast)) {
      while (true) {
        out.write(megabyte);
        written += megabyte.length;
      }
    } catch (IOException full) {
      assertTrue(String.valueOf(full.getMessage()).contains("No space left"), "filled: " + full);
    }
    struck.run();
    Thread.sleep(DISK_FULL.toMillis());
    Files.delete(ballast);
    return "blob store's filesystem filled (" + (written >> 20) + " MB ballast) for " + DISK_FULL.toSeconds()
        + " s, then freed";
  }

  /** Mounts a small tmpfs on the blob store's directory, when this user may; false otherwise. */
  private static boolean mountSmallFilesystem(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + BLOB_FILESYSTEM_MB + "m", "tmpfs",
        dir.toString()).redirectErrorStream(true).start();
    String said = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean mounted = mount.waitFor() == 0;
    if (!mounted) {
      System.out.println("LoadAndFaultIT: no small filesystem for the blob store (" + said.trim() + ")");
    }
    return mounted;
  }

  private static void unmount(Path dir) throws IOException, InterruptedException {
    Process umount = new ProcessBuilder("umount", dir.toString()).inheritIO().start();
    assertEquals(0, umount.waitFor(), "umount " + dir);
  }

  /** The api's {@code trainyard_dead_letters} gauge (Prometheus, no token). */
  private double deadLetters() throws IOException, InterruptedException {
    String metrics = cluster.send("api", null, "GET", "/q/metrics", null).body();
    Matcher m = Pattern.compile("(?m)^trainyard_dead_letters(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
    assertTrue(m.find(), "no trainyard_dead_letters in /q/metrics");
    return Double.parseDouble(m.group(1));
  }

  /**
   * Everything of the wave ends as it must within {@link #PATIENCE}: each accepted dataset READY,
   * or FAILED with its reason; each accepted job SUCCEEDED; every job each tenant lists terminal.
   */
  private void settle(Wave wave) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    for (Map.Entry<String, Map<String, String>> tenant : wave.datasets.entrySet()) {
      Client client = new Client(tenants.get(tenant.getKey()), wave, 0);
      for (Map.Entry<String, String> d : tenant.getValue().entrySet()) {
        JsonNode ds = client.awaitStatus("/api/v1/datasets/" + d.getKey(), d.getValue(), deadline);
        if ("FAILED".equals(d.getValue())) {
          assertTrue(ds.path("error").asText("").contains("line"), "a malformed dataset says why: " + ds);
        }
      }
    }
    for (Map.Entry<String, Map<String, String>> tenant : wave.jobs.entrySet()) {
      Client client = new Client(tenants.get(tenant.getKey()), wave, 0);
      for (Map.Entry<String, String> j : tenant.getValue().entrySet()) {
        JsonNode job = client.awaitStatus("/api/v1/jobs/" + j.getKey(), j.getValue(), deadline);
        assertFalse("ex-forged".equals(job.path("executorId").asText()), "a forged event changed " + job);
      }
      for (JsonNode job : list(tenant.getKey(), "jobs")) {
        assertTrue(TERMINAL.contains(job.get("status").asText()), "stuck after wave " + wave.name + ": " + job);
      }
    }
  }

  /** Each tenant lists only its own, and a foreign id answers 404. */
  private void assertIsolated(java.util.Collection<Wave> waves) throws Exception {
    for (String tenant : tenants.keySet()) {
      for (String kind : List.of("datasets", "jobs")) {
        Set<String> own = new TreeSet<>();
        for (Wave w : waves) {
          own.addAll((kind.equals("jobs") ? w.jobs : w.datasets).get(tenant).keySet());
        }
        Set<String> listed = new TreeSet<>();
        list(tenant, kind).forEach(n -> listed.add(n.get("id").asText()));
        assertTrue(listed.containsAll(own), tenant + " lists all its " + kind);
        for (String other : tenants.keySet()) {
          if (other.equals(tenant)) {
            continue;
          }
          for (Wave w : waves) {
            for (String foreign : (kind.equals("jobs") ? w.jobs : w.datasets).get(other).keySet()) {
              assertFalse(listed.contains(foreign), tenant + " lists " + other + "'s " + foreign);
              assertEquals(404, cluster.send("api", tenants.get(tenant), "GET", "/api/v1/" + kind + "/" + foreign, null)
                  .statusCode(), tenant + " reads " + other + "'s " + foreign);
            }
          }
        }
      }
    }
  }

  /** Every item of {@code kind} the tenant lists, page by page. */
  private List<JsonNode> list(String tenant, String kind) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<String> answer = cluster.send("api", tenants.get(tenant), "GET",
          "/api/v1/" + kind + "?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), null);
      assertEquals(200, answer.statusCode(), answer.body());
      JsonNode page = JSON.readTree(answer.body());
      page.get("items").forEach(out::add);
      cursor = page.path("nextCursor").isTextual() ? page.get("nextCursor").asText() : null;
    } while (cursor != null);
    return out;
  }

  private void awaitExecutors() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (cluster.call("api", "GET", "/api/v1/executors", null, 200).size() < 2) {
      assertTrue(System.nanoTime() < deadline, "the api did not list both executors");
      Thread.sleep(200);
    }
  }

  /** The table: a row a wave, the p95s below; on stdout and in target/reliability-report.md. */
  private void report(Instant began) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Load and fault suite: %d tenants, %d datasets each and %d jobs a wave, "
        + "%d waves, %d s in all, %s, %d cores%n%n", tenantCount, datasetsPerTenant, jobsPerWave, rows.size() - 2,
        Duration.between(began, Instant.now()).toSeconds(), Instant.now(), Runtime.getRuntime().availableProcessors()));
    out.append(String.join("\n", rows)).append("\n\n| operation | answers | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|\n");
    synchronized (latencies) {
      latencies.forEach((op, ms) -> {
        List<Long> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", op, sorted.size(),
            percentile(sorted, 50), percentile(sorted, 95), sorted.get(sorted.size() - 1)));
      });
    }
    System.out.println(out);
    Files.writeString(Path.of("target", "reliability-report.md"), out);
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  /** A tenant's HTTP client: retries 429 and 5xx (a well-behaved client), records each answer's latency. */
  private final class Client {
    final String token;
    final Wave wave;
    final int index;

    Client(String token, Wave wave, int index) {
      this.token = token;
      this.wave = wave;
      this.index = index;
    }

    HttpResponse<String> send(String op, String method, String path, Object body) throws Exception {
      return send(op, method, path, body, Map.of());
    }

    HttpResponse<String> send(String op, String method, String path, Object body, Map<String, String> headers)
        throws Exception {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (true) {
        HttpRequest.BodyPublisher publisher = body == null ? null : body instanceof byte[] b
            ? HttpRequest.BodyPublishers.ofByteArray(b) : HttpRequest.BodyPublishers.ofString((String) body);
        long start = System.nanoTime();
        HttpResponse<String> answer;
        try {
          answer = cluster.send("api", token, method, path, publisher, headers);
        } catch (IOException e) {
          answer = null;
          wave.unanswered.incrementAndGet();
        }
        latencies.computeIfAbsent(op, k -> Collections.synchronizedList(new ArrayList<>()))
            .add((System.nanoTime() - start) / 1_000_000);
        if (answer != null && answer.statusCode() != 429 && answer.statusCode() < 500) {
          return answer;
        }
        assertTrue(System.nanoTime() < deadline, method + " " + path + " still refused: "
            + (answer == null ? "no answer" : answer.statusCode() + " " + answer.body()));
        if (answer != null) {
          wave.refusals.incrementAndGet();
        }
        Thread.sleep(500);
      }
    }

    /** A streamed upload ({@code POST /datasets}); the dataset's id, READY or FAILED (422). */
    String streamed(String name, byte[] file) throws Exception {
      HttpResponse<String> answer = send("upload", "POST", "/api/v1/datasets?name=" + name + "&format=libsvm", file);
      JsonNode body = JSON.readTree(answer.body());
      if (answer.statusCode() == 422) {
        assertEquals("ingest_failed", body.get("code").asText(), answer.body());
        return body.get("datasetId").asText();
      }
      assertEquals(201, answer.statusCode(), answer.body());
      return body.get("id").asText();
    }

    /**
     * A resumable upload: declared, sent in two chunks, completed; the dataset's id. A chunk is
     * sent again from what the server says it holds (409 {@code upload_offset_mismatch} after a
     * retried chunk). A malformed file is refused at the chunk that holds its bad line (422 with
     * the FAILED dataset).
     */
    String resumable(String name, byte[] file) throws Exception {
      HttpResponse<String> created = send("upload", "POST", "/api/v1/uploads",
          "{\"name\": \"" + name + "\", \"format\": \"libsvm\", \"size\": " + file.length + "}");
      assertEquals(201, created.statusCode(), created.body());
      String upload = JSON.readTree(created.body()).get("id").asText();
      int chunkBytes = (file.length + 1) / 2;
      long at = 0;
      while (at < file.length) {
        int end = (int) Math.min(file.length, at + chunkBytes);
        HttpResponse<String> put = send("upload chunk", "PUT", "/api/v1/uploads/" + upload,
            Arrays.copyOfRange(file, (int) at, end),
            Map.of("Content-Range", "bytes " + at + "-" + (end - 1) + "/" + file.length));
        JsonNode answer = JSON.readTree(put.body());
        if (put.statusCode() == 422) {
          assertEquals("ingest_failed", answer.get("code").asText(), put.body());
          return answer.get("datasetId").asText();
        }
        if (put.statusCode() == 409) {
          assertEquals("upload_offset_mismatch", answer.get("code").asText(), put.body());
          System.out.printf("upload %s: chunk at %d answered 409, the server holds %d%n", upload, at,
              answer.get("received").asLong());
        } else {
          assertEquals(200, put.statusCode(), put.body());
        }
        at = answer.get("received").asLong();
      }
      String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(file));
      HttpResponse<String> done = send("upload complete", "POST", "/api/v1/uploads/" + upload + "/complete",
          "{\"sha256\": \"" + sha + "\"}");
      if (done.statusCode() == 422) {
        return JSON.readTree(done.body()).get("datasetId").asText();
      }
      assertEquals(202, done.statusCode(), done.body());
      return JSON.readTree(done.body()).get("id").asText();
    }

    JsonNode awaitStatus(String path, String want) throws Exception {
      return awaitStatus(path, want, System.nanoTime() + PATIENCE.toNanos());
    }

    /** Polls until {@code want}; fails at once on another terminal status, or at {@code deadline}. */
    JsonNode awaitStatus(String path, String want, long deadline) throws Exception {
      JsonNode node = null;
      while (System.nanoTime() < deadline) {
        HttpResponse<String> answer = send("get", "GET", path, null);
        assertEquals(200, answer.statusCode(), path + ": " + answer.body());
        node = JSON.readTree(answer.body());
        String status = node.get("status").asText();
        if (want.equals(status)) {
          return node;
        }
        assertFalse(TERMINAL.contains(status) || "READY".equals(status), path + " ended " + status
            + ", not " + want + ": " + node);
        Thread.sleep(250);
      }
      throw new AssertionError(path + " was not " + want + " within " + PATIENCE + ": " + node);
    }
  }
}
