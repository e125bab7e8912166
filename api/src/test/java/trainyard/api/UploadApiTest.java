package trainyard.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.demo.DemoData;

/** Resumable uploads: chunks in order, each checked; the whole file checked; then a dataset. */
@QuarkusTest
@WithTestResource(TestStores.class)
class UploadApiTest {
  private static final int CHUNK = 4096;
  private String token;
  private byte[] file;

  @BeforeEach
  void data() {
    token = Api.newTenant("uploads");
    file = DemoData.libsvm(1000, 50, 5, 11);
  }

  @Test
  void chunksResumeAndTheFileBecomesADataset() throws Exception {
    String id = create(sha256Hex(file));
    put(id, 0, CHUNK).then().statusCode(200).body("received", equalTo(CHUNK), "status", equalTo("OPEN"));
    // A retry of a chunk the server has, or a gap, says where the server stands.
    put(id, 0, CHUNK).then().statusCode(409)
        .body("code", equalTo("upload_offset_mismatch"), "received", equalTo(CHUNK));
    put(id, 2 * CHUNK, CHUNK).then().statusCode(409).body("received", equalTo(CHUNK));
    // A chunk whose digest does not match its bytes is refused and not counted.
    chunk(id, CHUNK, CHUNK, sha256(new byte[] {1})).put("/api/v1/uploads/" + id).then().statusCode(400).body("code", equalTo("chunk_digest_mismatch"));
    Api.as(token).get("/api/v1/uploads/" + id).then().statusCode(200).body("received", equalTo(CHUNK));
    Api.as(token).post("/api/v1/uploads/" + id + "/complete").then().statusCode(409)
        .body("code", equalTo("upload_incomplete"), "received", equalTo(CHUNK));

    for (int at = CHUNK; at < file.length; at += CHUNK) {
      put(id, at, Math.min(CHUNK, file.length - at)).then().statusCode(200);
    }
    String dataset = Api.as(token).post("/api/v1/uploads/" + id + "/complete").then().statusCode(202)
        .header("Location", containsString("/api/v1/datasets/")).extract().path("id");
    Api.as(token).post("/api/v1/uploads/" + id + "/complete").then().statusCode(202).body("id", equalTo(dataset));
    Api.as(token).get("/api/v1/uploads/" + id).then().body("status", equalTo("COMPLETED"), "datasetId", equalTo(dataset));
    Api.waitForStatus(token, "/api/v1/datasets/" + dataset, "READY");
    Api.as(token).get("/api/v1/datasets/" + dataset).then().body("stats.rows", equalTo(1000));
    Api.as(Api.newTenant("snoop")).get("/api/v1/uploads/" + id).then().statusCode(404)
        .body("code", equalTo("upload_not_found"));
  }

  @Test
  void aChunkDigestMayBeCrc32cAndEveryDeclaredOneIsChecked() {
    String id = create(sha256Hex(file));
    String url = "/api/v1/uploads/" + id;
    withDigest(id, 0, CHUNK, "crc32c=:" + b64(crc32c(new byte[] {1})) + ":").put(url).then().statusCode(400)
        .body("code", equalTo("chunk_digest_mismatch"), "detail", containsString("CRC32C"));
    byte[] first = Arrays.copyOfRange(file, 0, CHUNK);
    String bothButOneWrong = "sha-256=:" + b64(sha256(first)) + ":, crc32c=:" + b64(crc32c(new byte[] {1})) + ":";
    withDigest(id, 0, CHUNK, bothButOneWrong).put(url).then().statusCode(400).body("code", equalTo("chunk_digest_mismatch"));
    withDigest(id, 0, CHUNK, "md5=:" + b64(new byte[16]) + ":").put(url).then().statusCode(400)
        .body("code", equalTo("content_digest_invalid"));
    withDigest(id, 0, CHUNK, "crc32c=:" + b64(new byte[8]) + ":").put(url).then().statusCode(400)
        .body("code", equalTo("content_digest_invalid"));
    Api.as(token).get(url).then().body("received", equalTo(0));

    withDigest(id, 0, CHUNK, "crc32c=:" + b64(crc32c(first)) + ":").put(url).then().statusCode(200).body("received", equalTo(CHUNK));
    byte[] second = Arrays.copyOfRange(file, CHUNK, 2 * CHUNK);
    withDigest(id, CHUNK, CHUNK, "sha-256=:" + b64(sha256(second)) + ":, crc32c=:" + b64(crc32c(second)) + ":").put(url)
        .then().statusCode(200);
    for (int at = 2 * CHUNK; at < file.length; at += CHUNK) { // the digest is optional
      withDigest(id, at, Math.min(CHUNK, file.length - at), null).put(url).then().statusCode(200);
    }
    String dataset = Api.as(token).post(url + "/complete").then().statusCode(202).extract().path("id");
    Api.waitForStatus(token, "/api/v1/datasets/" + dataset, "READY");
    Api.as(token).get("/api/v1/datasets/" + dataset).then().body("stats.rows", equalTo(1000));
  }

  private static byte[] crc32c(byte[] b) {
    CRC32C crc = new CRC32C();
    crc.update(b);
    return ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
  }

  @Test
  void aWrongWholeFileChecksumFailsTheUpload() {
    String id = create(sha256Hex("something else".getBytes(StandardCharsets.US_ASCII)));
    for (int at = 0; at < file.length; at += CHUNK) {
      put(id, at, Math.min(CHUNK, file.length - at)).then().statusCode(200);
    }
    Api.as(token).post("/api/v1/uploads/" + id + "/complete").then().statusCode(422)
        .body("code", equalTo("upload_checksum_mismatch"));
    Api.as(token).get("/api/v1/uploads/" + id).then().body("status", equalTo("FAILED"));
    put(id, 0, CHUNK).then().statusCode(409).body("code", equalTo("upload_not_open"));
  }

  @Test
  void theChecksumMayComeWithTheCompletion() {
    String id = Api.as(token).contentType("application/json").body("{\"name\": \"later\", \"format\": \"libsvm\","
        + " \"size\": " + file.length + "}").post("/api/v1/uploads").then().statusCode(201)
        .body("sha256", equalTo(null)).extract().path("id");
    for (int at = 0; at < file.length; at += CHUNK) {
      put(id, at, Math.min(CHUNK, file.length - at)).then().statusCode(200);
    }
    Api.as(token).post("/api/v1/uploads/" + id + "/complete").then().statusCode(400)
        .body("code", equalTo("checksum_missing"));
    Api.as(token).contentType("application/json").body("[1]").post("/api/v1/uploads/" + id + "/complete")
        .then().statusCode(400).body("code", equalTo("invalid_upload"));
    Api.as(token).contentType("application/json").body("{\"sha256\": \"abc\"}").post("/api/v1/uploads/" + id + "/complete")
        .then().statusCode(400).body("code", equalTo("invalid_upload"));
    String dataset = Api.as(token).contentType("application/json").body("{\"sha256\": \"" + sha256Hex(file) + "\"}")
        .post("/api/v1/uploads/" + id + "/complete").then().statusCode(202).extract().path("id");
    Api.waitForStatus(token, "/api/v1/datasets/" + dataset, "READY");

    String other = create(sha256Hex(file));
    for (int at = 0; at < file.length; at += CHUNK) {
      put(other, at, Math.min(CHUNK, file.length - at)).then().statusCode(200);
    }
    Api.as(token).contentType("application/json").body("{\"sha256\": \"" + sha256Hex(new byte[1]) + "\"}")
        .post("/api/v1/uploads/" + other + "/complete").then().statusCode(422)
        .body("code", equalTo("upload_checksum_mismatch"));
  }

  @Test
  void badRequestsAreRefused() {
    Api.as(token).contentType("application/json").body("{\"name\": \"x\", \"format\": \"libsvm\", \"size\": 0,"
        + " \"sha256\": \"" + sha256Hex(file) + "\"}").post("/api/v1/uploads").then().statusCode(400)
        .body("code", equalTo("invalid_upload"), "detail", containsString("size"));
    Api.as(token).contentType("application/json").body("{\"name\": \"x\", \"format\": \"libsvm\", \"size\": 5,"
        + " \"sha256\": \"abc\"}").post("/api/v1/uploads").then().statusCode(400).body("code", equalTo("invalid_upload"));
    Api.as(token).contentType("application/json").body("{\"name\": \"x\", \"format\": \"xls\", \"size\": 5,"
        + " \"sha256\": \"" + sha256Hex(file) + "\"}").post("/api/v1/uploads").then().statusCode(400)
        .body("code", equalTo("unknown_format"));
    // a body binds as written: no "12" or 12.5 read as 12, no unknown field ignored
    for (String size : new String[] {"\"12\"", "12.5", "[12]"}) {
      Api.as(token).contentType("application/json").body("{\"name\": \"x\", \"size\": " + size + "}")
          .post("/api/v1/uploads").then().statusCode(400)
          .body("code", equalTo("invalid_type"), "field", equalTo("size"), "detail", equalTo("size must be an integer"));
    }
    Api.as(token).contentType("application/json").body("{\"name\": \"x\", \"size\": 12, \"sha265\": \"\"}")
        .post("/api/v1/uploads").then().statusCode(400).body("code", equalTo("unknown_field"), "field", equalTo("sha265"),
            "detail", equalTo("unknown field \"sha265\"; allowed: format, hashBits, name, sha256, size"));
    Api.as(token).contentType("application/json").body("[1]").post("/api/v1/uploads").then().statusCode(400)
        .body("code", equalTo("invalid_type"), "detail", equalTo("the request body must be an object"));
    String id = create(sha256Hex(file));
    Api.as(token).body(new byte[10]).header("Content-Range", "bytes 0-9/12").put("/api/v1/uploads/" + id)
        .then().statusCode(400).body("code", equalTo("content_range_invalid"));
    Api.as(token).body(new byte[10]).put("/api/v1/uploads/" + id).then().statusCode(400)
        .body("code", equalTo("content_range_invalid"));
    Api.as(token).body(new byte[5]).header("Content-Range", "bytes 0-9/" + file.length)
        .put("/api/v1/uploads/" + id).then().statusCode(400).body("code", equalTo("content_range_invalid"));
    Api.as(token).get("/api/v1/uploads/" + id).then().body("received", equalTo(0));
    Api.as(token).delete("/api/v1/uploads/" + id).then().statusCode(204);
    Api.as(token).get("/api/v1/uploads/" + id).then().statusCode(404);
  }

  @Test
  void aFileReadWhileItArrivesMakesTheShardsOfAStreamedUploadAndLeavesNothingBehind() throws Exception {
    String id = create(sha256Hex(file));
    for (int at = 0; at < file.length; at += CHUNK) {
      put(id, at, Math.min(CHUNK, file.length - at)).then().statusCode(200);
    }
    // this process read the chunks as they came: completion finds the file being ingested, not queued
    String dataset = Api.as(token).post("/api/v1/uploads/" + id + "/complete").then().statusCode(202)
        .body("status", equalTo("INGESTING")).extract().path("id");
    String tailed = Api.waitForStatus(token, "/api/v1/datasets/" + dataset, "READY").getString("stats.checksum");
    String streamed = Api.as(token).contentType("application/octet-stream").body(file)
        .post("/api/v1/datasets?name=streamed&format=libsvm").then().statusCode(201).extract().path("stats.checksum");
    assertEquals(streamed, tailed, "the same shards");
    try (Stream<Path> left = Files.list(DatasetApiTest.dataDir().resolve("uploads"))) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().contains(id)
          || p.getFileName().toString().contains(dataset)).toList(), "the raw file and the work files are gone");
    }
    // the dataset goes, and the completed upload's record with it
    Api.as(token).delete("/api/v1/datasets/" + dataset).then().statusCode(204);
    Api.as(token).post("/api/v1/uploads/" + id + "/complete").then().statusCode(404);
  }

  @Test
  void aBadFileReadWhileItArrivesEndsFailedWithItsBadLines() {
    file = "1 3:1\n1 4:1\n0 4:x\n".repeat(2000).getBytes(StandardCharsets.US_ASCII);
    String id = create(sha256Hex(file));
    for (int at = 0; at < file.length; at += CHUNK) {
      put(id, at, Math.min(CHUNK, file.length - at)).then().statusCode(200);
    }
    String dataset = Api.as(token).post("/api/v1/uploads/" + id + "/complete").then().statusCode(202)
        .extract().path("id");
    Api.waitForStatus(token, "/api/v1/datasets/" + dataset, "FAILED");
    Api.as(token).get("/api/v1/datasets/" + dataset).then().body("badLines[0].line", equalTo(3));
  }

  @Test
  void aFileFoundBadWhileItArrivesEndsTheUploadAtOnce() throws Exception {
    file = "0 1:1 2:oops\n".repeat(500_000).getBytes(StandardCharsets.US_ASCII); // 6 MiB, every line bad
    int chunk = 256 * 1024;
    String id = create(sha256Hex(file));
    Response refused = null;
    int at = 0;
    for (; at < file.length; at += chunk) {
      Response r = put(id, at, Math.min(chunk, file.length - at));
      if (r.statusCode() != 200) {
        refused = r;
        break;
      }
      if (at >= 4 << 20) {
        Thread.sleep(100); // the engine reads 4 MiB before it parses: give it time to find the lines
      }
    }
    assertTrue(refused != null && at + chunk < file.length, "refused before the end, at " + at);
    refused.then().statusCode(422).body("code", equalTo("ingest_failed"), "badLines[0].line", equalTo(1),
        "badLines.size()", equalTo(10));
    String dataset = refused.path("datasetId");
    Api.as(token).get("/api/v1/uploads/" + id).then().body("status", equalTo("FAILED"), "datasetId", equalTo(dataset));
    Api.as(token).get("/api/v1/datasets/" + dataset).then().body("status", equalTo("FAILED"),
        "badLines[0].text", containsString("oops"), "uploadBytes", equalTo(at + chunk));
    put(id, at + chunk, chunk).then().statusCode(409).body("code", equalTo("upload_not_open"));
    try (Stream<Path> left = Files.list(DatasetApiTest.dataDir().resolve("uploads"))) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().contains(id)
          || p.getFileName().toString().contains(dataset)).toList(), "the raw file and the work files are gone");
    }
  }

  private String create(String sha) {
    return Api.as(token).contentType("application/json").body("{\"name\": \"big\", \"format\": \"libsvm\", \"size\": "
        + file.length + ", \"sha256\": \"" + sha + "\"}").post("/api/v1/uploads").then().statusCode(201)
        .body("received", equalTo(0), "status", equalTo("OPEN")).extract().path("id");
  }

  private Response put(String id, int at, int length) {
    return chunk(id, at, length, null).put("/api/v1/uploads/" + id);
  }

  /** A chunk of the file with its SHA-256, or with {@code digest} instead when given. */
  private RequestSpecification chunk(String id, int at, int length, byte[] digest) {
    byte[] bytes = Arrays.copyOfRange(file, at, at + length);
    return withDigest(id, at, length, "sha-256=:" + b64(digest == null ? sha256(bytes) : digest) + ":");
  }

  /** A chunk of the file with {@code digest} as its Content-Digest (none when null). */
  private RequestSpecification withDigest(String id, int at, int length, String digest) {
    RequestSpecification r = Api.as(token).contentType("application/octet-stream")
        .body(Arrays.copyOfRange(file, at, at + length))
        .header("Content-Range", "bytes " + at + "-" + (at + length - 1) + "/" + file.length);
    return digest == null ? r : r.header("Content-Digest", digest);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static String sha256Hex(byte[] b) {
    return HexFormat.of().formatHex(sha256(b));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
