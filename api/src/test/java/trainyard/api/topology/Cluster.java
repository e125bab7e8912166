package trainyard.api.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.StandardCopyOption;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import trainyard.api.ComposeFile;
import trainyard.bus.EmbeddedKafka;

/**
 * docker-compose.yml's topology run without Docker, for ITs: an external PostgreSQL with the
 * compose postgres service's database, user and password (checked over TCP with scram-sha-256, as
 * the image does), an external KRaft broker, and the api, the scheduler and two executors (two
 * replicas of the executor service) as JVMs of the packaged jar, each with the environment its
 * compose service declares. Only addresses are rewritten (the compose network's
 * {@code postgres:5432} and {@code kafka:9092}, the {@code blobs} volume, the HTTP ports, the
 * executors' ids and data hosts, which their containers' host names would give) and heaps made
 * small. Faults are done to it as an operator's machine would: kill -9 of a process, of the
 * PostgreSQL server, the broker stopped. Logs in target/{prefix}-{instance}.log.
 */
public final class Cluster implements AutoCloseable {
  /** The processes, each of its compose service: the executor service twice (two replicas). */
  public static final Map<String, String> INSTANCES = new LinkedHashMap<>(Map.of(
      "api", "api", "scheduler", "scheduler", "executor-1", "executor", "executor-2", "executor"));
  public static final List<String> WORKERS = List.of("scheduler", "executor-1", "executor-2");
  public static final List<String> SERVICES = List.of("api", "scheduler", "executor");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BOOT = Duration.ofSeconds(120);
  /** Heaps for a 2-core CI machine (the compose file gives each container -Xmx1g). */
  private static final Map<String, String> HEAP = Map.of(
      "api", "-Xmx320m", "scheduler", "-Xmx192m", "executor-1", "-Xmx384m", "executor-2", "-Xmx384m");

  private final Path work;
  private final String prefix;
  private final ComposeFile compose;
  /** The compose variables: `.env.example`, as the README has users copy it to `.env`. */
  private final Map<String, String> variables;
  /** The shared blob store (the compose file's {@code blobs} volume). */
  private final Path blobs;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> env = new LinkedHashMap<>();
  private CompletableFuture<EmbeddedPostgres> pgStart;
  private CompletableFuture<EmbeddedKafka> kafkaStart;
  private EmbeddedKafka kafka;
  /** The PostgreSQL started again after a kill, by its own command line (it is then no zonky instance). */
  private Process postgresAgain;
  private String token;

  private Cluster(Path work, String prefix) throws IOException {
    this.work = work;
    this.prefix = prefix;
    compose = ComposeFile.load(Path.of("..", "docker-compose.yml"));
    // What the README has users do: cp .env.example .env
    variables = ComposeFile.dotEnv(Path.of("..", ".env.example"));
    blobs = Files.createDirectories(work.resolve("blobs"));
  }

  /**
   * The topology in {@code work}, its logs named {@code prefix}: PostgreSQL and Kafka started (at
   * once), each instance's environment ready; no process started yet.
   */
  public static Cluster stores(Path work, String prefix) throws IOException {
    Cluster c = new Cluster(work, prefix);
    for (String instance : INSTANCES.keySet()) {
      Files.deleteIfExists(c.log(instance, "-before-kill"));
    }
    c.pgStart = CompletableFuture.supplyAsync(c::startPostgres);
    c.kafkaStart = CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(work.resolve("kafka"), 0));
    try {
      EmbeddedPostgres pg = c.pgStart.join();
      c.kafka = c.kafkaStart.join();
      Map<String, String> network = Map.of(
          "postgres:5432", "localhost:" + pg.getPort(),
          "kafka:9092", c.kafka.bootstrapServers());
      for (Map.Entry<String, String> instance : INSTANCES.entrySet()) {
        c.env.put(instance.getKey(), c.environment(instance.getValue(), instance.getKey(), network));
      }
      return c;
    } catch (Throwable t) {
      try {
        c.close();
      } catch (Exception e) {
        t.addSuppressed(e);
      }
      throw t;
    }
  }

  public ComposeFile compose() {
    return compose;
  }

  public Map<String, String> variables() {
    return variables;
  }

  public Path blobs() {
    return blobs;
  }

  /** The environment {@code instance} starts with; changes made before its start apply. */
  public Map<String, String> env(String instance) {
    return env.get(instance);
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public int port(String instance) {
    return ports.get(instance);
  }

  public Process process(String instance) {
    return processes.get(instance);
  }

  /** The admin token the api generated into the blob store; {@link #call} sends it from now on. */
  public String adminToken() throws IOException {
    token = Files.readString(blobs.resolve("admin-token")).trim();
    return token;
  }

  public void start(String instance) throws IOException {
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    Map<String, String> vars = env.get(instance);
    // The image runs `java $JAVA_OPTS -jar`; here the heap is made small, the rest kept.
    for (String option : vars.getOrDefault("JAVA_OPTS", "").trim().split("\\s+")) {
      if (!option.isEmpty() && !option.startsWith("-Xmx")) {
        command.add(option);
      }
    }
    command.addAll(List.of(HEAP.get(instance), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(work.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log(instance).toFile());
    // Only the compose file configures the server: nothing leaks in from the developer's shell.
    builder.environment().keySet().removeIf(k -> k.startsWith("TRAINYARD_") || k.startsWith("QUARKUS_"));
    builder.environment().putAll(vars);
    processes.put(instance, builder.start());
  }

  public void awaitStarted(String instance) throws IOException, InterruptedException {
    Process p = processes.get(instance);
    long deadline = System.nanoTime() + BOOT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError(instance + " exited with " + p.exitValue() + "; see " + log(instance));
      }
      // Quarkus prints this once every startup observer (Platform: the roles) has run.
      if (Files.readString(log(instance), StandardCharsets.UTF_8).contains(" started in ")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(instance + " did not start within " + BOOT.toSeconds() + " s; see " + log(instance));
  }

  /** Stops {@code instance} (SIGTERM, as compose does) and starts it again; returns when it had stopped. */
  public Instant restart(String instance) throws IOException, InterruptedException {
    Process p = processes.remove(instance);
    p.destroy();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), instance + " did not stop within 30 s");
    Instant stopped = Instant.now();
    Files.move(log(instance), log(instance, "-before-restart"), StandardCopyOption.REPLACE_EXISTING);
    start(instance);
    awaitStarted(instance);
    return stopped;
  }

  /**
   * kill -9 of {@code instance}, as the OOM killer does; returns when it is dead, its log kept as
   * target/{prefix}-{instance}-before-kill.log. Start it again with {@link #start}.
   */
  public Instant kill(String instance) throws IOException, InterruptedException {
    Process p = processes.remove(instance);
    Instant killed = Instant.now();
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), instance + " outlived SIGKILL");
    assertEquals(128 + 9, p.exitValue(), instance + " died of SIGKILL");
    Files.move(log(instance), log(instance, "-before-kill"), StandardCopyOption.REPLACE_EXISTING);
    return killed;
  }

  /**
   * kill -9 of the PostgreSQL server (its postmaster), {@code struck} run once it is dead, then, after {@code down}, the same server
   * started again on its data directory and port, as compose's restart policy would; returns when
   * it accepts connections.
   */
  public void killPostgres(Duration down, Runnable struck) throws IOException, InterruptedException {
    Path dir = work.resolve("postgres");
    long pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no PostgreSQL " + pid));
    String binary = postmaster.info().command().orElseThrow();
    String[] arguments = postmaster.info().arguments().orElseThrow();
    postmaster.destroyForcibly();
    try {
      postmaster.onExit().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("PostgreSQL " + pid + " outlived SIGKILL", e);
    }
    struck.run();
    Thread.sleep(down.toMillis());
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      // PostgreSQL refuses to run as root; zonky runs it in a user namespace then, so do we.
      command.addAll(List.of("unshare", "-U"));
    }
    command.add(binary);
    command.addAll(List.of(arguments));
    postgresAgain = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log("postgres").toFile())).start();
    EmbeddedPostgres pg = pgStart.join();
    long deadline = System.nanoTime() + BOOT.toNanos();
    while (true) {
      try (Connection c = pg.getPostgresDatabase().getConnection()) {
        return;
      } catch (SQLException e) {
        if (!postgresAgain.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("PostgreSQL did not come back; see " + log("postgres"), e);
        }
        Thread.sleep(200);
      }
    }
  }

  /** Stops the broker (its log flushed), as {@code docker compose stop kafka}. */
  public void stopKafka() {
    kafka.close();
  }

  /** Starts the broker again on its port and log. */
  public void startKafka() {
    kafka = EmbeddedKafka.start(work.resolve("kafka"), kafka.port());
  }

  /** {@code method path} on {@code instance} with the admin token; fails unless it answers {@code expected}. */
  public JsonNode call(String instance, String method, String path, HttpRequest.BodyPublisher body, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> response = send(instance, token, method, path, body);
    if (response.statusCode() != expected) {
      throw new AssertionError(method + " " + path + " on " + instance + " answered " + response.statusCode()
          + " (wanted " + expected + "): " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** {@code method path} on {@code instance} as {@code bearer} (none if null); any answer. */
  public HttpResponse<String> send(String instance, String bearer, String method, String path,
      HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
    return send(instance, bearer, method, path, body, Map.of());
  }

  /** As {@link #send(String, String, String, String, HttpRequest.BodyPublisher)}, with {@code headers}. */
  public HttpResponse<String> send(String instance, String bearer, String method, String path,
      HttpRequest.BodyPublisher body, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + ports.get(instance) + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body)
        .timeout(Duration.ofSeconds(30));
    headers.forEach(request::header);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The first column of the first row of {@code sql}, as the compose database's owner. */
  public int count(String sql) throws SQLException {
    Map<String, String> pgEnv = compose.environment("postgres", variables);
    try (Connection c = pgStart.join().getDatabase("postgres", pgEnv.get("POSTGRES_DB")).getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getInt(1);
    }
  }

  public Path log(String instance) {
    return log(instance, "");
  }

  private Path log(String instance, String suffix) {
    return Path.of("target", prefix + "-" + instance + suffix + ".log").toAbsolutePath();
  }

  /** The last lines of every process's log, and of those killed, on stderr: for a failure's report. */
  public void printLogTails() {
    List<Path> logs = new ArrayList<>();
    for (String instance : processes.keySet()) {
      logs.add(log(instance));
    }
    for (String instance : INSTANCES.keySet()) {
      if (Files.exists(log(instance, "-before-kill"))) {
        logs.add(log(instance, "-before-kill"));
      }
    }
    for (Path log : logs) {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        System.err.println("---- last lines of " + log);
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
      } catch (IOException e) {
        System.err.println("cannot read " + log + ": " + e);
      }
    }
  }

  /** SIGTERM to all, as compose down would, then a kill for any that outlives its grace; then the stores. */
  @Override
  public void close() throws Exception {
    processes.values().forEach(Process::destroy);
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      if (!e.getValue().waitFor(30, TimeUnit.SECONDS)) {
        System.err.println(e.getKey() + " did not stop within 30 s of SIGTERM; killing it");
        e.getValue().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    close(kafkaStart);
    if (kafka != null) {
      kafka.close();
    }
    // zonky's close runs pg_ctl stop on the data directory: it stops a PostgreSQL started again too.
    close(pgStart);
    if (postgresAgain != null && !postgresAgain.waitFor(30, TimeUnit.SECONDS)) {
      postgresAgain.destroyForcibly();
    }
  }

  /** Waits for a server's start to end and closes the server if it started. */
  private static void close(CompletableFuture<? extends AutoCloseable> start) throws Exception {
    if (start == null) {
      return;
    }
    AutoCloseable server = start.handle((started, failed) -> started).join();
    if (server != null) {
      server.close();
    }
  }

  /**
   * A separate PostgreSQL with the database, user and password of the compose's postgres service,
   * checked over TCP (scram-sha-256) as the image does; only the superuser keeps trust.
   */
  private EmbeddedPostgres startPostgres() {
    Map<String, String> pgEnv = compose.environment("postgres", variables);
    Path dir = work.resolve("postgres");
    try {
      // Durable commits, as the postgres image has them (zonky's default is off): the fault suite kills it.
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
          .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on").start();
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE \"" + pgEnv.get("POSTGRES_USER") + "\" LOGIN PASSWORD '" + pgEnv.get("POSTGRES_PASSWORD") + "'");
        s.execute("CREATE DATABASE \"" + pgEnv.get("POSTGRES_DB") + "\" OWNER \"" + pgEnv.get("POSTGRES_USER") + "\"");
        Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
            "local all all trust",
            "host all postgres 127.0.0.1/32 trust",
            "host all postgres ::1/128 trust",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256", ""));
        s.execute("SELECT pg_reload_conf()");
      }
      String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + pgEnv.get("POSTGRES_DB");
      assertThrows(SQLException.class, () -> DriverManager.getConnection(url, pgEnv.get("POSTGRES_USER"), "wrong").close(),
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
  private Map<String, String> environment(String service, String instance, Map<String, String> network)
      throws IOException {
    Map<String, String> vars = new LinkedHashMap<>(compose.environment(service, variables));
    String blobMount = compose.volumeMounts(service).get("blobs");
    assertEquals(blobMount, vars.get("TRAINYARD_DATA_DIR"), service + ": the blob store is the blobs volume");
    for (Map.Entry<String, String> e : vars.entrySet()) {
      String value = e.getValue();
      for (Map.Entry<String, String> address : network.entrySet()) {
        value = value.replace(address.getKey(), address.getValue());
      }
      if (value.equals(blobMount) || value.startsWith(blobMount + "/")) {
        value = blobs + value.substring(blobMount.length());
      }
      e.setValue(value);
    }
    if (vars.get("TRAINYARD_ROLES").contains("api")) {
      assertTrue(vars.getOrDefault("QUARKUS_DATASOURCE_JDBC_URL", "").contains(network.get("postgres:5432")),
          service + " uses the external PostgreSQL: " + vars.get("QUARKUS_DATASOURCE_JDBC_URL"));
    }
    assertEquals(network.get("kafka:9092"), vars.get("TRAINYARD_KAFKA_BOOTSTRAP_SERVERS"), service + " uses the external Kafka");
    // Each container has its own network namespace; here they share one, so each gets a free port.
    int port = freePort();
    ports.put(instance, port);
    vars.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    if (!instance.equals(service)) {
      // Each replica has its own host name, which names it; here they share this machine's, so
      // each is given the id its host name would give it.
      vars.put("TRAINYARD_EXECUTOR_ID", instance);
      // Its peers would reach its data port at that host name too; here it is this machine's
      // loopback (the data port then listens on loopback only), any free port, as compose's.
      assertFalse(vars.containsKey("TRAINYARD_EXECUTOR_DATA_PORT"), service + ": data port 0, any free one");
      vars.put("TRAINYARD_EXECUTOR_DATA_HOST", "127.0.0.1");
    }
    return vars;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
