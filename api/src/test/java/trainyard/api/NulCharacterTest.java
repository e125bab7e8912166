package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A NUL character (U+0000) is the one a request can carry that no PostgreSQL text column holds:
 * wherever it comes (a path id, a query parameter, a JSON name), the answer is a 400, not a 500,
 * and nothing is written.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class NulCharacterTest {
  private static final String GOOD = "1 1:1 3:0.5\n0 2:1\n";

  @Test
  void aNulAnywhereIsA400AndWritesNothing() {
    String token = Api.newTenant("nul");
    String dataset = Api.readyDataset(token, "good", GOOD);

    Api.as(token).body(GOOD.getBytes(StandardCharsets.US_ASCII)).contentType("application/octet-stream")
        .queryParam("name", "a\u0000b").queryParam("format", "libsvm").post("/api/v1/datasets").then().statusCode(400)
        .body("code", equalTo("invalid_characters"));
    for (String path : new String[] {"datasets", "jobs", "models", "uploads"}) {
      Api.as(token).urlEncodingEnabled(false).get("/api/v1/" + path + "/a%00b").then().statusCode(400)
          .body("code", equalTo("invalid_characters"));
    }
    Api.as(token).contentType("application/json")
        .body("{\"name\": \"a\\u0000b\", \"algorithm\": \"linear\", \"dataset\": \"" + dataset + "\"}")
        .post("/api/v1/jobs").then().statusCode(400).body("code", equalTo("invalid_characters"));
    Api.as(token).contentType("application/json")
        .body("{\"name\": \"a\\u0000b\", \"format\": \"libsvm\", \"size\": 10}")
        .post("/api/v1/uploads").then().statusCode(400).body("code", equalTo("invalid_characters"));

    Api.as(token).get("/api/v1/datasets").then().statusCode(200).body("items", hasSize(1));
    Api.as(token).get("/api/v1/jobs").then().statusCode(200).body("items", hasSize(0));
  }
}
