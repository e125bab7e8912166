package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The REST API over {@link HttpClient}: adds the bearer token, turns error answers into
 * {@link ApiException} and transport failures into a connection {@link CliException}. A 429 (too
 * many requests of one kind: uploads waiting, event streams) or 503 (the server briefly without
 * its database or Kafka) is sent again after the answer's {@code Retry-After} ({@link RetryAfter}),
 * {@value #RETRIES} times at most; then it is the command's error like any other. Every body the
 * CLI sends can be sent again (bytes, files). Thread-safe (HttpClient is).
 */
public final class ApiClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** How many times a 429 or 503 answer is sent again. */
  static final int RETRIES = 5;

  private final URI base;
  private final String token;
  private final Console console;
  private final HttpClient http;

  public ApiClient(URI base, String token, Console console) {
    this.base = base;
    this.token = token;
    this.console = console;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  public URI base() {
    return base;
  }

  public JsonNode get(String path) {
    return json("GET", path, HttpRequest.BodyPublishers.noBody(), null, Map.of());
  }

  public JsonNode postJson(String path, JsonNode body, Map<String, String> headers) {
    return json("POST", path, HttpRequest.BodyPublishers.ofString(body.toString()),
        "application/json", headers);
  }

  public JsonNode delete(String path) {
    return json("DELETE", path, HttpRequest.BodyPublishers.noBody(), null, Map.of());
  }

  /** Sends a request and parses the JSON answer; an empty answer (204) is a missing node. */
  public JsonNode json(String method, String path, BodyPublisher body, String contentType,
      Map<String, String> headers) {
    return json(method, path, body, contentType, headers, null);
  }

  /**
   * As {@link #json(String, String, BodyPublisher, String, Map)}, giving up after {@code timeout}
   * (null: never) with a connection error, so a stalled transfer can be retried.
   */
  public JsonNode json(String method, String path, BodyPublisher body, String contentType,
      Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder b = request(path).method(method, body).header("Accept", "application/json");
    if (timeout != null) {
      b.timeout(timeout);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    HttpResponse<String> response = send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 400) {
      throw error(response.statusCode(), response.body());
    }
    String text = response.body();
    if (text == null || text.isBlank()) {
      return MissingNode.getInstance();
    }
    JsonNode node = Json.parseLenient(text);
    if (node.isMissingNode()) {
      throw new ApiException(response.statusCode(), "not_json",
          "the server's answer to " + method + " " + path + " is not JSON", node);
    }
    return node;
  }

  /**
   * Opens a streaming answer (a download, an event stream). The caller closes the body.
   * Error statuses are read and thrown as {@link ApiException}.
   */
  public HttpResponse<InputStream> stream(String path, String accept, Map<String, String> headers) {
    HttpRequest.Builder b = request(path).GET().header("Accept", accept);
    headers.forEach(b::header);
    HttpResponse<InputStream> response = send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() >= 400) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = "";
      }
      throw error(response.statusCode(), body);
    }
    return response;
  }

  /** The error of an answer; a 429 or 503 one has been sent {@link #RETRIES} times again already. */
  private static ApiException error(int status, String body) {
    ApiException e = Problems.fromResponse(status, body);
    return retried(status)
        ? new ApiException(status, e.code(), e.getMessage() + "; still so after " + RETRIES + " retries", e.problem())
        : e;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /** Whether an answer of {@code status} is sent again: 429 (too many requests) and 503 (briefly unavailable). */
  private static boolean retried(int status) {
    return status == 429 || status == 503;
  }

  /** Sends {@code request}, again after a pause while the answer is 429 or 503, {@link #RETRIES} times at most. */
  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    for (int retry = 0; ; retry++) {
      HttpResponse<T> response = sendOnce(request, handler);
      int status = response.statusCode();
      if (!retried(status) || retry == RETRIES) {
        return response;
      }
      if (response.body() instanceof InputStream in) {
        try (in) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
          // the next try opens its own
        }
      }
      console.pause(RetryAfter.millis(response.headers().firstValue("Retry-After"), retry, java.time.Instant.now()));
    }
  }

  private <T> HttpResponse<T> sendOnce(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.INTERRUPTED, "interrupted");
    } catch (IOException | UnresolvedAddressException e) {
      throw connectionError(e);
    }
  }

  CliException connectionError(Exception e) {
    if (e instanceof java.net.http.HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
      return CliException.connection("no answer from " + base + " in time: " + Problems.oneLine(String.valueOf(e.getMessage())));
    }
    if (e instanceof HttpConnectTimeoutException) {
      return CliException.connection("cannot connect to " + base + ": timed out after "
          + CONNECT_TIMEOUT.toSeconds() + " s (is TRAINYARD_URL right?)");
    }
    if (e instanceof ConnectException || e instanceof UnresolvedAddressException) {
      return CliException.connection("cannot connect to " + base
          + ": connection refused or host unknown (is the server running? is TRAINYARD_URL right?)");
    }
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return CliException.connection("connection to " + base + " failed: " + Problems.oneLine(why));
  }

  /** {@code path?k=v&...} with values URL-encoded; null values are left out. */
  public static String query(String path, Map<String, ?> params) {
    StringBuilder sb = new StringBuilder(path);
    char sep = path.contains("?") ? '&' : '?';
    for (Map.Entry<String, ?> e : params.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      sb.append(sep).append(e.getKey()).append('=')
          .append(URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8));
      sep = '&';
    }
    return sb.toString();
  }

  /** An ordered map for {@link #query}, allowing null values (left out of the query). */
  public static Map<String, Object> params(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  /** A path segment from user input (an id), encoded so it cannot change the path. */
  public static String seg(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
