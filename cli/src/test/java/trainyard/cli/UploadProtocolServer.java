package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A minimal in-memory implementation of docs/UPLOAD-PROTOCOL.md, so the client's resume logic
 * can be tested inside the cli module, which must not depend on api/ where the real server
 * lives. It enforces the protocol's rules (offsets, chunk CRC32C digests, the final SHA-256) and can
 * be told to misbehave the way networks do. api's CliAgainstServerTest runs the same
 * scenarios against the real server. Thread-safe enough for one client: handlers synchronize.
 */
final class UploadProtocolServer implements AutoCloseable {
  static final String TOKEN = "test-token";
  private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

  static final class Upload {
    final String id;
    final String name;
    final long size;
    final String sha256;
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    String status = "OPEN";
    String datasetId;

    Upload(String id, String name, long size, String sha256) {
      this.id = id;
      this.name = name;
      this.size = size;
      this.sha256 = sha256;
    }
  }

  final Map<String, Upload> uploads = new LinkedHashMap<>();
  final Map<String, byte[]> datasets = new LinkedHashMap<>();
  /** Every chunk byte the server was sent, accepted or not. */
  final AtomicLong bytesPut = new AtomicLong();
  final AtomicInteger puts = new AtomicInteger();
  final AtomicInteger deletes = new AtomicInteger();
  /** The PUT with this 1-based number is cut off: the connection closes, nothing is stored. */
  volatile int dropPut = -1;
  /** The PUT with this 1-based number is stored, then the connection closes without an answer. */
  volatile int dropAnswerOfPut = -1;
  /** This many GETs of a dataset answer 503 database_unavailable first. */
  final AtomicInteger unavailableDatasetGets = new AtomicInteger();
  /** The PUT with this 1-based number answers 503 database_unavailable and keeps nothing. */
  volatile int unavailablePut = -1;
  /** Flip one stored byte before complete checks the SHA-256. */
  volatile boolean corrupt;
  /** Act as a server that predates resumable uploads. */
  volatile boolean noUploadApi;
  private final HttpServer http;
  private int next;

  UploadProtocolServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/api/v1/", this::handle);
    http.start();
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
  }

  private synchronized void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        problem(ex, 401, "unauthorized", "bad token", null);
        return;
      }
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      String[] p = path.split("/");
      if (path.startsWith("/api/v1/uploads")) {
        if (noUploadApi) {
          problem(ex, 404, "not_found", "no such resource", null);
        } else if (p.length == 4 && method.equals("POST")) {
          create(ex);
        } else if (p.length == 5 && method.equals("PUT")) {
          put(ex, uploads.get(p[4]));
        } else if (p.length == 5 && method.equals("GET")) {
          Upload u = uploads.get(p[4]);
          if (u == null) {
            problem(ex, 404, "upload_not_found", "no upload " + p[4], null);
          } else if (u.status.equals("EXPIRED")) {
            problem(ex, 410, "upload_expired", "upload " + p[4] + " got no chunk for 24h", null);
          } else {
            json(ex, 200, view(u));
          }
        } else if (p.length == 5 && method.equals("DELETE")) {
          deletes.incrementAndGet();
          uploads.remove(p[4]);
          ex.sendResponseHeaders(204, -1);
        } else if (p.length == 6 && p[5].equals("complete") && method.equals("POST")) {
          complete(ex, uploads.get(p[4]));
        } else {
          problem(ex, 404, "not_found", "no such resource", null);
        }
      } else if (path.equals("/api/v1/datasets") && method.equals("POST")) {
        byte[] body = ex.getRequestBody().readAllBytes();
        String id = "ds_" + (++next);
        datasets.put(id, body);
        // as the real server: ingested while the body arrived, so the answer is final
        ObjectNode d = dataset(id, "READY");
        d.putObject("stats").put("rows", body.length);
        json(ex, 201, d);
      } else if (p.length == 5 && p[3].equals("datasets") && method.equals("GET")) {
        if (unavailableDatasetGets.getAndDecrement() > 0) {
          problem(ex, 503, "database_unavailable", "the server cannot reach its database", null);
        } else if (datasets.containsKey(p[4])) {
          ObjectNode d = dataset(p[4], "READY");
          d.putObject("stats").put("rows", datasets.get(p[4]).length);
          json(ex, 200, d);
        } else {
          problem(ex, 404, "dataset_not_found", "no dataset " + p[4], null);
        }
      } else {
        problem(ex, 404, "not_found", "no such resource", null);
      }
    }
  }

  private void create(HttpExchange ex) throws IOException {
    JsonNode req = Json.MAPPER.readTree(ex.getRequestBody());
    long size = req.path("size").asLong(-1);
    String sha = req.path("sha256").asText("");
    if (size < 1 || !sha.isEmpty() && !sha.matches("[0-9a-f]{64}") || req.path("name").asText("").isEmpty()) {
      problem(ex, 400, "invalid_upload", "bad upload request " + req, null);
      return;
    }
    Upload u = new Upload("up_" + (++next), req.get("name").asText(), size, sha);
    uploads.put(u.id, u);
    json(ex, 201, view(u));
  }

  private void put(HttpExchange ex, Upload u) throws IOException {
    int n = puts.incrementAndGet();
    if (u == null) {
      problem(ex, 404, "upload_not_found", "no such upload", null);
      return;
    }
    Matcher m = RANGE.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Content-Range")));
    if (!m.matches() || Long.parseLong(m.group(3)) != u.size) {
      problem(ex, 400, "content_range_invalid", "bad Content-Range", null);
      return;
    }
    long start = Long.parseLong(m.group(1));
    long end = Long.parseLong(m.group(2));
    byte[] body = ex.getRequestBody().readAllBytes();
    bytesPut.addAndGet(body.length);
    if (n == dropPut) {
      return; // closes the connection without an answer and keeps nothing
    }
    if (n == unavailablePut) {
      problem(ex, 503, "database_unavailable", "the server cannot reach its database", null);
      return;
    }
    if (start != u.data.size()) {
      problem(ex, 409, "upload_offset_mismatch", "expected offset " + u.data.size(), (long) u.data.size());
      return;
    }
    if (body.length != end - start + 1) {
      problem(ex, 400, "content_range_invalid", "length differs from Content-Range", null);
      return;
    }
    CRC32C crc = new CRC32C();
    crc.update(body);
    byte[] crcBytes = ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
    String digest = "crc32c=:" + Base64.getEncoder().encodeToString(crcBytes) + ":";
    if (!digest.equals(ex.getRequestHeaders().getFirst("Content-Digest"))) {
      problem(ex, 400, "chunk_digest_mismatch", "digest differs", null);
      return;
    }
    u.data.write(body);
    if (n == dropAnswerOfPut) {
      return; // stored, but the client never hears so
    }
    json(ex, 200, view(u));
  }

  private void complete(HttpExchange ex, Upload u) throws IOException {
    if (u == null) {
      problem(ex, 404, "upload_not_found", "no such upload", null);
      return;
    }
    if (u.status.equals("COMPLETED")) {
      json(ex, 202, dataset(u.datasetId, "INGESTING"));
      return;
    }
    byte[] data = u.data.toByteArray();
    if (data.length != u.size) {
      problem(ex, 409, "upload_incomplete", "received " + data.length + " of " + u.size, (long) data.length);
      return;
    }
    if (corrupt) {
      data[data.length / 2] ^= 1;
    }
    byte[] body = ex.getRequestBody().readAllBytes();
    String declared = body.length == 0 ? u.sha256 : Json.MAPPER.readTree(body).path("sha256").asText(u.sha256);
    if (declared.isEmpty()) {
      problem(ex, 400, "checksum_missing", "no sha256 declared", null);
      return;
    }
    String actual = HexFormat.of().formatHex(sha256(data));
    if (!actual.equals(declared)) {
      u.status = "FAILED";
      problem(ex, 422, "upload_checksum_mismatch", "sha256 " + actual + " != " + declared, null);
      return;
    }
    u.status = "COMPLETED";
    u.datasetId = "ds_" + (++next);
    datasets.put(u.datasetId, data);
    json(ex, 202, dataset(u.datasetId, "INGESTING"));
  }

  private ObjectNode view(Upload u) {
    return Json.MAPPER.createObjectNode().put("id", u.id).put("name", u.name).put("size", u.size)
        .put("sha256", u.sha256).put("received", u.data.size()).put("status", u.status);
  }

  private static ObjectNode dataset(String id, String status) {
    return Json.MAPPER.createObjectNode().put("id", id).put("status", status);
  }

  private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  private static void problem(HttpExchange ex, int status, String code, String detail, Long received)
      throws IOException {
    ObjectNode p = Json.MAPPER.createObjectNode().put("status", status).put("code", code).put("detail", detail);
    if (received != null) {
      p.put("received", received);
    }
    byte[] b = p.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/problem+json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
