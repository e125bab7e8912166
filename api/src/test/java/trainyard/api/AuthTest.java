package trainyard.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(TestStores.class)
class AuthTest {
  @Test
  void everyCallNeedsABearerToken() {
    given().get("/api/v1/datasets").then().statusCode(401)
        .contentType("application/problem+json")
        .body("code", equalTo("unauthorized"), "status", equalTo(401));
    given().header("Authorization", "Basic abc").get("/api/v1/jobs").then().statusCode(401);
    given().post("/api/v1/jobs/job_x/cancel").then().statusCode(401);
  }

  @Test
  void anUnknownTokenIsRefused() {
    Api.as("ty_not-a-token").get("/api/v1/models/mdl_x").then().statusCode(401)
        .body("code", equalTo("unauthorized"), "detail", equalTo("the bearer token is not valid"));
  }

  @Test
  void onlyAnAdminMakesTokens() {
    String tenant = Api.newTenant("plain");
    Api.as(tenant).contentType("application/json").body("{\"tenant\": \"other\"}")
        .post("/api/v1/tokens").then().statusCode(403).body("code", equalTo("admin_required"));
  }

  @Test
  void aRevokedTokenIsRefusedAtOnce() {
    String tenant = "rev-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    io.restassured.path.json.JsonPath first = Api.as(TestStores.ADMIN_TOKEN).contentType("application/json")
        .body("{\"tenant\": \"" + tenant + "\", \"name\": \"laptop\"}").post("/api/v1/tokens")
        .then().statusCode(201).extract().jsonPath();
    String laptop = first.getString("token");
    String laptopId = first.getString("id");
    String ci = Api.as(TestStores.ADMIN_TOKEN).contentType("application/json")
        .body("{\"tenant\": \"" + tenant + "\", \"name\": \"ci\"}").post("/api/v1/tokens")
        .then().statusCode(201).extract().path("token");
    String stranger = Api.newTenant("stranger");

    // a tenant lists its own tokens, never their text
    Api.as(ci).get("/api/v1/tokens").then().statusCode(200)
        .body("items.size()", equalTo(2), "items.name", org.hamcrest.Matchers.contains("ci", "laptop"),
            "items[1].id", equalTo(laptopId), "items[1].tenant", equalTo(tenant), "items.token",
            org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.nullValue()), "nextCursor", org.hamcrest.Matchers.nullValue())
        .body(not(containsString(laptop)));
    // another tenant can neither see nor revoke them
    Api.as(stranger).get("/api/v1/tokens").then().body("items.id", not(org.hamcrest.Matchers.hasItem(laptopId)));
    Api.as(stranger).delete("/api/v1/tokens/" + laptopId).then().statusCode(404).body("code", equalTo("token_not_found"));
    Api.as(laptop).get("/api/v1/datasets").then().statusCode(200);

    Api.as(ci).delete("/api/v1/tokens/" + laptopId).then().statusCode(204);
    Api.as(laptop).get("/api/v1/datasets").then().statusCode(401).body("code", equalTo("unauthorized"));
    Api.as(ci).get("/api/v1/tokens").then().body("items.name", org.hamcrest.Matchers.contains("ci"));
    Api.as(ci).delete("/api/v1/tokens/" + laptopId).then().statusCode(404);
    Api.as(ci).delete("/api/v1/tokens/not-an-id").then().statusCode(404);
  }

  @Test
  void whoamiNamesTheTenant() {
    String token = Api.newTenant("who");
    Api.as(token).get("/api/v1/whoami").then().statusCode(200)
        .body("tenant", org.hamcrest.Matchers.startsWith("who-"), "admin", equalTo(false));
    Api.as(TestStores.ADMIN_TOKEN).get("/api/v1/whoami").then().statusCode(200)
        .body("tenant", equalTo("admin"), "admin", equalTo(true));
  }

  @Test
  void aTenantNameIsValidated() {
    Api.as(TestStores.ADMIN_TOKEN).contentType("application/json").body("{\"tenant\": \"a b/c\"}")
        .post("/api/v1/tokens").then().statusCode(400).body("code", equalTo("invalid_tenant"));
    Api.as(TestStores.ADMIN_TOKEN).contentType("application/json").body("{\"tenant\": \"t\", \"admin\": \"yes\"}")
        .post("/api/v1/tokens").then().statusCode(400)
        .body("code", equalTo("invalid_type"), "detail", equalTo("admin must be true or false"));
    for (String name : new String[] {"", " ", "x".repeat(201)}) {
      Api.as(TestStores.ADMIN_TOKEN).contentType("application/json").body("{\"tenant\": \"t\", \"name\": \"" + name + "\"}")
          .post("/api/v1/tokens").then().statusCode(400).body("code", equalTo("invalid_token_name"));
    }
  }

  @Test
  void aTenantNeverSeesAnotherTenantsThings() {
    String alice = Api.newTenant("alice");
    String bob = Api.newTenant("bob");
    String dataset = Api.readyDataset(alice, "private", "1 1:1\n0 2:1\n");
    Api.as(bob).get("/api/v1/datasets/" + dataset).then().statusCode(404)
        .body("code", equalTo("dataset_not_found"));
    Api.as(bob).delete("/api/v1/datasets/" + dataset).then().statusCode(404);
    Api.as(bob).get("/api/v1/datasets").then().statusCode(200)
        .body("items.id", not(org.hamcrest.Matchers.hasItem(dataset)));
    // Bob cannot train on Alice's dataset: it does not exist for him.
    Api.as(bob).contentType("application/json").body(Api.spec(dataset, "")).post("/api/v1/jobs")
        .then().statusCode(404).body("code", equalTo("dataset_not_found"), "field", equalTo("dataset"));
    String job = Api.as(alice).contentType("application/json")
        .body(Api.spec(dataset, "\"resources\": {\"gpus\": 64}")).post("/api/v1/jobs")
        .then().statusCode(201).extract().path("id");
    Api.as(bob).get("/api/v1/jobs/" + job).then().statusCode(404).body("code", equalTo("job_not_found"));
    Api.as(bob).get("/api/v1/jobs/" + job + "/events").then().statusCode(404);
    Api.as(bob).get("/api/v1/jobs/" + job + "/metrics").then().statusCode(404);
    Api.as(bob).post("/api/v1/jobs/" + job + "/cancel").then().statusCode(404);
    Api.as(bob).get("/api/v1/jobs").then().statusCode(200).body("items.id", not(org.hamcrest.Matchers.hasItem(job)));
    Api.as(alice).post("/api/v1/jobs/" + job + "/cancel").then().statusCode(202);
  }

  @Test
  void errorsCarryNoClassNamesOrStackTraces() {
    String token = Api.newTenant("errors");
    String body = Api.as(token).contentType("application/json").body("{not json")
        .post("/api/v1/jobs").then().statusCode(400).contentType("application/problem+json")
        .extract().asString();
    org.hamcrest.MatcherAssert.assertThat(body, not(containsString("Exception")));
    org.hamcrest.MatcherAssert.assertThat(body, not(containsString("at trainyard")));
  }
}
