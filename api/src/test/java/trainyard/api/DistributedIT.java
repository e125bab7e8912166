package trainyard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.api.demo.DemoData;
import trainyard.bus.EmbeddedKafka;
import trainyard.bus.Topics;

/**
 * docker-compose.yml's topology, run without Docker: an external PostgreSQL (a separate server,
 * credentials checked) and an external KRaft broker, then the api, the scheduler and two executors
 * (two replicas of the executor service) as four JVMs of the packaged jar, each with the
 * environment its compose service declares. Only addresses are rewritten (the compose network's
 * {@code postgres:5432} and {@code kafka:9092}, the {@code blobs} volume, the HTTP ports, and the
 * executors' ids, which their containers' host names would give) and heaps made small. A key missing from the README's
 * configuration table, a role that needs what it should not (a database for the scheduler or an
 * executor) or a topology that does not train fails here. Driven through the api's REST API only.
 * Runs the real jar (failsafe, after {@code package}); logs in target/distributed-it-{service}.log.
 *
 * <p>What this cannot check: the image itself (Dockerfile), the postgres and apache/kafka images,
 * compose's start order (depends_on, health checks) and its network.
 */
class DistributedIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BOOT = Duration.ofSeconds(120);
  private static final Duration WORK = Duration.ofSeconds(90);
  private static final List<String> WORKERS = List.of("scheduler", "executor-1", "executor-2");
  private static final List<String> SERVICES = List.of("api", "scheduler", "executor");
  /** The processes started, each of its compose service: the executor service twice (two replicas). */
  private static final Map<String, String> INSTANCES = new LinkedHashMap<>(Map.of(
      "api", "api", "scheduler", "scheduler", "executor-1", "executor", "executor-2", "executor"));
  /** Heaps for a 2-core CI machine (the compose file gives each container -Xmx1g). */
  private static final Map<String, String> HEAP = Map.of(
      "api", "-Xmx320m", "scheduler", "-Xmx192m", "executor-1", "-Xmx384m", "executor-2", "-Xmx384m");

  @TempDir Path work;

  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private String token;

  @Test
  void composeTopologyTrainsJobsOnTwoExecutorProcesses() throws Exception {
    Instant began = Instant.now();
    ComposeFile compose = ComposeFile.load(Path.of("..", "docker-compose.yml"));
    Set<String> documented = readmeEnvironmentVariables();
    for (String service : SERVICES) {
      assertEquals(".", compose.get(service, "build"), service + " is built from the one Dockerfile");
      assertEquals(compose.get("api", "image"), compose.get(service, "image"), service + " runs the api's image");
      for (String key : compose.environment(service, Map.of()).keySet()) {
        assertTrue(key.equals("JAVA_OPTS") || documented.contains(key),
            service + ": " + key + " is not in the README's configuration table " + documented);
      }
    }
    // `docker compose up --scale executor=N`: replicas must not clash on a name or a host port, and
    // each must get its own id: the default, the container's host name.
    for (String key : List.of("container_name", "ports", "hostname")) {
      assertEquals(null, compose.get("executor", key), "a scaled executor service has no " + key);
    }
    assertFalse(compose.environment("executor", Map.of()).containsKey("TRAINYARD_EXECUTOR_ID"),
        "each replica's id is its host name, not one id for all");
    assertFalse(compose.environment("executor", Map.of()).containsKey("TRAINYARD_EXECUTOR_DATA_HOST"),
        "each replica's peers reach it at its host name");
    Set<String> topics = new TreeSet<>();
    Matcher topic = Pattern.compile("trainyard\\.[a-z]+").matcher(String.valueOf(compose.get("kafka-topics", "command")));
    while (topic.find()) {
      topics.add(topic.group());
    }
    assertEquals(new TreeSet<>(Topics.ALL), topics, "kafka-topics creates the topics the servers use");
    Path blobs = Files.createDirectories(work.resolve("blobs"));
    CompletableFuture<EmbeddedPostgres> pgStart = CompletableFuture.supplyAsync(() -> startPostgres(compose));
    CompletableFuture<EmbeddedKafka> kafkaStart =
        CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(work.resolve("kafka"), 0));
    try {
      EmbeddedPostgres pg = pgStart.join();
      EmbeddedKafka kafka = kafkaStart.join();
      Map<String, String> network = Map.of(
          "postgres:5432", "localhost:" + pg.getPort(),
          "kafka:9092", kafka.bootstrapServers());
      Map<String, Map<String, String>> env = new LinkedHashMap<>();
      for (Map.Entry<String, String> instance : INSTANCES.entrySet()) {
        env.put(instance.getKey(), environment(compose, instance.getValue(), instance.getKey(), network, blobs));
      }
      // Short, so that a job a restarted scheduler forgot (below) is sent again within the test.
      env.get("api").put("TRAINYARD_JOBS_RESEND_INTERVAL", "2s");
      assertEquals("api", env.get("api").get("TRAINYARD_ROLES"));
      assertEquals("scheduler", env.get("scheduler").get("TRAINYARD_ROLES"));
      assertEquals("executor", env.get("executor-1").get("TRAINYARD_ROLES"));

      // The scheduler and executors first, alone with an empty database: they must start
      // without a schema and must not create one; only the api migrates.
      for (String service : WORKERS) {
        start(service, env.get(service));
      }
      for (String service : WORKERS) {
        awaitStarted(service);
      }
      assertEquals(0, count(pg, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
          compose), "only the api role may create the schema");
      assertEquals(0, count(pg, "SELECT count(*) FROM pg_stat_activity WHERE usename <> 'postgres'", compose),
          "the scheduler and executors hold no database connection");
      JsonNode refused = call("scheduler", "GET", "/api/v1/jobs", null, 404);
      assertEquals("not_an_api_process", refused.get("code").asText());

      start("api", env.get("api"));
      awaitStarted("api");
      assertTrue(count(pg, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", compose) > 0,
          "the api migrated the external database");
      // Compose sets no admin token unless TRAINYARD_ADMIN_TOKEN is in the shell: the api then
      // generates one into the shared blob store (/data/admin-token in the api container).
      token = Files.readString(blobs.resolve("admin-token")).trim();
      assertTrue(token.startsWith("ty_"), "a generated token, not a default: " + token);

      JsonNode executors = awaitExecutors(Set.of("executor-1", "executor-2"));
      for (JsonNode e : executors) {
        assertEquals(env.get(e.get("id").asText()).get("TRAINYARD_EXECUTOR_CORES"), e.get("cores").asText(),
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
      Instant schedulerStopped = restart("scheduler", env.get("scheduler"));
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
    } catch (Throwable t) {
      printLogTails();
      throw t;
    } finally {
      stopAll();
      close(kafkaStart);
      close(pgStart);
    }
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

  /** Waits for a server's start to end and closes the server if it started. */
  private static void close(CompletableFuture<? extends AutoCloseable> start) throws Exception {
    AutoCloseable server = start.handle((started, failed) -> started).join();
    if (server != null) {
      server.close();
    }
  }

  private static Instant instant(JsonNode node, String field) {
    return Instant.parse(node.get(field).asText());
  }

  /**
   * A separate PostgreSQL with the database, user and password of the compose's postgres service,
   * checked over TCP (scram-sha-256) as the image does; only the superuser keeps trust.
   */
  private EmbeddedPostgres startPostgres(ComposeFile compose) {
    Map<String, String> env = compose.environment("postgres", Map.of());
    Path dir = work.resolve("postgres");
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start();
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE \"" + env.get("POSTGRES_USER") + "\" LOGIN PASSWORD '" + env.get("POSTGRES_PASSWORD") + "'");
        s.execute("CREATE DATABASE \"" + env.get("POSTGRES_DB") + "\" OWNER \"" + env.get("POSTGRES_USER") + "\"");
        Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
            "local all all trust",
            "host all postgres 127.0.0.1/32 trust",
            "host all postgres ::1/128 trust",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256", ""));
        s.execute("SELECT pg_reload_conf()");
      }
      String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + env.get("POSTGRES_DB");
      assertThrows(SQLException.class, () -> DriverManager.getConnection(url, env.get("POSTGRES_USER"), "wrong").close(),
          "passwords are checked");
      return pg;
    } catch (IOException | SQLException e) {
      throw new IllegalStateException("cannot start the external PostgreSQL in " + dir, e);
    }
  }

  /**
   * The service's compose environment with the compose network's addresses replaced by this
   * machine's, for the process {@code instance}.
   */
  private Map<String, String> environment(ComposeFile compose, String service, String instance,
      Map<String, String> network, Path blobs) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(compose.environment(service, Map.of()));
    String blobMount = compose.volumeMounts(service).get("blobs");
    assertEquals(blobMount, env.get("TRAINYARD_DATA_DIR"), service + ": the blob store is the blobs volume");
    for (Map.Entry<String, String> e : env.entrySet()) {
      String value = e.getValue();
      for (Map.Entry<String, String> address : network.entrySet()) {
        value = value.replace(address.getKey(), address.getValue());
      }
      if (value.equals(blobMount) || value.startsWith(blobMount + "/")) {
        value = blobs + value.substring(blobMount.length());
      }
      e.setValue(value);
    }
    if (env.get("TRAINYARD_ROLES").contains("api")) {
      assertTrue(env.getOrDefault("QUARKUS_DATASOURCE_JDBC_URL", "").contains(network.get("postgres:5432")),
          service + " uses the external PostgreSQL: " + env.get("QUARKUS_DATASOURCE_JDBC_URL"));
    }
    assertEquals(network.get("kafka:9092"), env.get("TRAINYARD_KAFKA_BOOTSTRAP_SERVERS"), service + " uses the external Kafka");
    // Each container has its own network namespace; here they share one, so each gets a free port.
    int port = freePort();
    ports.put(instance, port);
    env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    if (!instance.equals(service)) {
      // Each replica has its own host name, which names it; here they share this machine's, so
      // each is given the id its host name would give it.
      env.put("TRAINYARD_EXECUTOR_ID", instance);
    }
    return env;
  }

  private void start(String service, Map<String, String> env) throws IOException {
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    // The image runs `java $JAVA_OPTS -jar`; here the heap is made small, the rest kept.
    for (String option : env.getOrDefault("JAVA_OPTS", "").trim().split("\\s+")) {
      if (!option.isEmpty() && !option.startsWith("-Xmx")) {
        command.add(option);
      }
    }
    command.addAll(List.of(HEAP.get(service), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(work.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log(service).toFile());
    // Only the compose file configures the server: nothing leaks in from the developer's shell.
    builder.environment().keySet().removeIf(k -> k.startsWith("TRAINYARD_") || k.startsWith("QUARKUS_"));
    builder.environment().putAll(env);
    processes.put(service, builder.start());
  }

  /** Stops {@code service} (SIGTERM, as compose does) and starts it again; returns when it had stopped. */
  private Instant restart(String service, Map<String, String> env) throws IOException, InterruptedException {
    Process p = processes.remove(service);
    p.destroy();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), service + " did not stop within 30 s");
    Instant stopped = Instant.now();
    Files.move(log(service), log(service).resolveSibling("distributed-it-" + service + "-before-restart.log"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    start(service, env);
    awaitStarted(service);
    return stopped;
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

  private void awaitStarted(String service) throws IOException, InterruptedException {
    Process p = processes.get(service);
    long deadline = System.nanoTime() + BOOT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError(service + " exited with " + p.exitValue() + "; see " + log(service));
      }
      // Quarkus prints this once every startup observer (Platform: the roles) has run.
      if (Files.readString(log(service), StandardCharsets.UTF_8).contains(" started in ")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(service + " did not start within " + BOOT.toSeconds() + " s; see " + log(service));
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
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + ports.get(service) + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body)
        .timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new AssertionError(method + " " + path + " on " + service + " answered " + response.statusCode()
          + " (wanted " + expected + "): " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private static int count(EmbeddedPostgres pg, String sql, ComposeFile compose) throws SQLException {
    Map<String, String> env = compose.environment("postgres", Map.of());
    try (Connection c = pg.getDatabase("postgres", env.get("POSTGRES_DB")).getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getInt(1);
    }
  }

  /** SIGTERM to all, as compose down would, then a kill for any that outlives its grace period. */
  private void stopAll() throws InterruptedException {
    processes.values().forEach(Process::destroy);
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      if (!e.getValue().waitFor(30, TimeUnit.SECONDS)) {
        System.err.println(e.getKey() + " did not stop within 30 s of SIGTERM; killing it");
        e.getValue().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private void printLogTails() {
    for (String service : processes.keySet()) {
      try {
        List<String> lines = Files.readAllLines(log(service), StandardCharsets.UTF_8);
        System.err.println("---- last lines of " + log(service));
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
      } catch (IOException e) {
        System.err.println("cannot read " + log(service) + ": " + e);
      }
    }
  }

  private static Path log(String service) {
    return Path.of("target", "distributed-it-" + service + ".log").toAbsolutePath();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
