package trainyard.api.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import org.jboss.logging.Logger;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.TrainyardConfig;

/**
 * The quick start's sample job ({@code trainyard.demo=true}): once the server is up, it uploads
 * a generated libsvm dataset through the REST API, waits for it to be READY, submits a
 * logistic-regression job, follows it to SUCCEEDED, prints its metrics and a prediction, and
 * says where to look. It is an HTTP client of this server like any other: the real path.
 * Thread-safe: it runs on its own thread; {@link #stop} interrupts it.
 */
@ApplicationScoped
public class Demo {
  private static final Logger LOG = Logger.getLogger(Demo.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject TrainyardConfig config;
  @Inject BlobStore blobs;

  private volatile Thread thread;

  public void runInBackground(int port) {
    Thread t = new Thread(() -> {
      try {
        run("http://localhost:" + port);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException | RuntimeException e) {
        LOG.errorf("the demo failed: %s", e.getMessage());
      }
    }, "trainyard-demo");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  public void stop() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  private void run(String base) throws IOException, InterruptedException {
    String token = config.adminToken().orElse(null);
    if (token == null) {
      token = Files.readString(blobs.adminToken()).trim();
    }
    Client client = new Client(base, token);
    client.waitUntilUp(Duration.ofSeconds(60));
    say("uploading a generated dataset (5000 rows, libsvm) ...");
    // answered once ingested: READY, with its statistics
    JsonNode dataset = client.send("POST", "/api/v1/datasets?name=demo-clicks&format=libsvm",
        HttpRequest.BodyPublishers.ofByteArray(DemoData.libsvm(5000, 200, 8, 42)));
    String datasetId = dataset.get("id").asText();
    JsonNode stats = dataset.get("stats");
    say(String.format(Locale.ROOT, "dataset %s READY: %d rows, %d features, %d positives, %d negatives",
        datasetId, stats.get("rows").asLong(), stats.get("features").asLong(),
        stats.get("positives").asLong(), stats.get("negatives").asLong()));
    String spec = "{\"name\": \"demo-logistic\", \"algorithm\": \"linear\", \"dataset\": \"" + datasetId + "\","
        + " \"validation\": {\"fraction\": 0.2},"
        + " \"params\": {\"loss\": \"logistic\", \"optimizer\": \"ftrl\", \"learningRate\": 0.5, \"epochs\": 5,"
        + " \"batchSize\": 100}, \"resources\": {\"workers\": 2, \"servers\": 1}}";
    JsonNode job = client.send("POST", "/api/v1/jobs", HttpRequest.BodyPublishers.ofString(spec));
    String jobId = job.get("id").asText();
    say("submitted job " + jobId + "; waiting for it to finish ...");
    job = client.waitFor("/api/v1/jobs/" + jobId, "SUCCEEDED", Duration.ofMinutes(10));
    say("job " + jobId + " SUCCEEDED; metrics per epoch:");
    for (JsonNode m : client.send("GET", "/api/v1/jobs/" + jobId + "/metrics", null)) {
      say(String.format(Locale.ROOT, "  epoch %d  %-16s %.4f", m.get("epoch").asInt(), m.get("name").asText(),
          m.get("value").asDouble()));
    }
    String modelId = job.get("modelId").asText();
    JsonNode predictions = client.send("POST", "/api/v1/models/" + modelId + "/predict",
        HttpRequest.BodyPublishers.ofString("1:1 5:1 9:1\n2:1 3:1 7:1\n"));
    say("model " + modelId + " predicts " + predictions.get("predictions") + " for two sample rows");
    say("Look around: " + base + "/  (dashboard)  and  " + base + "/api/v1/jobs/" + jobId);
    say("Token: " + token + "   e.g.  curl -H 'Authorization: Bearer " + token + "' " + base + "/api/v1/jobs/" + jobId);
  }

  private static void say(String line) {
    System.out.println("[demo] " + line);
  }

  /** A tiny JSON-over-HTTP client with the bearer token. */
  private static final class Client {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Client(String base, String token) {
      this.base = base;
      this.token = token;
    }

    void waitUntilUp(Duration limit) throws InterruptedException, IOException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (true) {
        try {
          send("GET", "/api/v1/datasets?limit=1", null);
          return;
        } catch (IOException e) {
          if (System.nanoTime() > deadline) {
            throw new IOException("the server did not answer within " + limit.toSeconds() + " s", e);
          }
          Thread.sleep(250);
        }
      }
    }

    /** Polls {@code path} until its status is {@code want}; fails on another terminal status. */
    JsonNode waitFor(String path, String want, Duration limit) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      String last = null;
      while (true) {
        JsonNode node = send("GET", path, null);
        String status = node.get("status").asText();
        if (!status.equals(last)) {
          say("  " + path.substring(path.lastIndexOf('/') + 1) + " is " + status
              + (node.hasNonNull("statusReason") ? " (" + node.get("statusReason").asText() + ")" : ""));
          last = status;
        }
        if (status.equals(want)) {
          return node;
        }
        if (status.equals("FAILED") || status.equals("CANCELLED")) {
          throw new IOException(path + " ended " + status + ": " + node);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(path + " is still " + status + " after " + limit.toSeconds() + " s");
        }
        Thread.sleep(250);
      }
    }

    JsonNode send(String method, String path, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", path.startsWith("/api/v1/jobs") ? "application/json" : "application/octet-stream")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body)
          .timeout(Duration.ofSeconds(60))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    }
  }
}
