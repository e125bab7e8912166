package trainyard.api;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Small helpers shared by the REST tests: tenants, uploads, and polling with a deadline. */
final class Api {
  static final Duration DEADLINE = Duration.ofSeconds(60);

  private Api() {}

  static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  /** A new tenant with a unique name; returns its token. */
  static String newTenant(String prefix) {
    return as(TestStores.ADMIN_TOKEN).contentType("application/json")
        .body("{\"tenant\": \"" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
        .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
  }

  static String upload(String token, String name, String libsvm) {
    return upload(token, name, libsvm.getBytes(StandardCharsets.US_ASCII));
  }

  /** Uploads a good file: the answer comes once it is ingested, READY. Returns its id. */
  static String upload(String token, String name, byte[] body) {
    return as(token).body(body).contentType("application/octet-stream")
        .post("/api/v1/datasets?name=" + name + "&format=libsvm")
        .then().statusCode(201).body("status", org.hamcrest.Matchers.equalTo("READY"))
        .extract().path("id");
  }

  /** Uploads a bad file: 422 {@code ingest_failed}; returns the FAILED dataset's id. */
  static String uploadBad(String token, String name, String libsvm) {
    return as(token).body(libsvm.getBytes(StandardCharsets.US_ASCII)).contentType("application/octet-stream")
        .post("/api/v1/datasets?name=" + name + "&format=libsvm")
        .then().statusCode(422).contentType("application/problem+json")
        .body("code", org.hamcrest.Matchers.equalTo("ingest_failed")).extract().path("datasetId");
  }

  /** Polls {@code path} until its {@code status} is one of {@code wanted}; returns the body. */
  static JsonPath waitForStatus(String token, String path, String... wanted) {
    JsonPath[] last = new JsonPath[1];
    waitFor(() -> {
      last[0] = as(token).get(path).then().statusCode(200).extract().jsonPath();
      return List.of(wanted).contains(last[0].getString("status"));
    }, () -> path + " did not reach " + String.join("|", wanted) + " within " + DEADLINE.toSeconds()
        + " s; last status " + last[0].getString("status") + history(token, path));
    return last[0];
  }

  /** A job's events, one a line, for a failure message: what its executors and the scheduler said. */
  private static String history(String token, String path) {
    if (!path.matches("/api/v1/jobs/[^/]+")) {
      return "";
    }
    StringBuilder out = new StringBuilder("; its events:");
    for (Map<String, Object> e : as(token).get(path + "/events").then().extract().jsonPath()
        .<Map<String, Object>>getList("")) {
      out.append("\n  ").append(e.get("time")).append(' ').append(e.get("type")).append(' ')
          .append(e.get("executorId")).append(' ').append(e.get("state")).append(' ')
          .append(e.get("reason")).append(' ').append(e.get("message"));
    }
    return out.toString();
  }

  static String readyDataset(String token, String name, String libsvm) {
    return upload(token, name, libsvm);
  }

  static String spec(String datasetId, String extra) {
    return "{\"name\": \"t\", \"algorithm\": \"linear\", \"dataset\": \"" + datasetId + "\""
        + (extra.isEmpty() ? "" : ", " + extra) + "}";
  }

  /** A job of the tenant's that waits QUEUED: no executor can hold it (it asks for 64 GPUs). Returns its id. */
  static String waitingJob(String token, String datasetId) {
    return as(token).contentType("application/json").body(spec(datasetId, JobApiTest.UNPLACEABLE))
        .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
  }

  /** Sends {@code event} about {@code job} and waits until the api has stored it (and so all before it). */
  static void sendAndAwait(trainyard.bus.BusProducer producer, String token, String job, trainyard.bus.JobEvent event) {
    producer.send(event);
    waitFor(() -> as(token).get("/api/v1/jobs/" + job + "/events").then().statusCode(200).extract().jsonPath()
        .getList("id", String.class).contains(event.eventId()), () -> "event " + event.eventId() + " was not stored");
  }

  /** Polls {@code done} until it holds, for at most {@link #DEADLINE}; then fails saying {@code failure}. */
  static void waitFor(BooleanSupplier done, Supplier<String> failure) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure.get());
      }
      pause();
    }
  }

  static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
