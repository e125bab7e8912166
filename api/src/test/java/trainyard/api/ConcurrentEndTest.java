package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import trainyard.api.study.StudyDriver;

/**
 * A cancel that meets the end it races with. The end (an executor's SUCCEEDED, a study's last
 * trial) is committed while the cancel waits for the row's lock: the cancel must see it and
 * answer 409, not write its earlier read of the row back over it. Before reads took the lock
 * first, such a job stayed RUNNING with its executor done, until reconciliation ended it a minute
 * later as CANCELLED.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class ConcurrentEndTest {
  @Inject DataSource db;
  @Inject StudyDriver driver;

  @Test
  void aJobThatEndsWhileItsCancelWaitsKeepsItsEnd() throws Exception {
    String token = Api.newTenant("race");
    String dataset = Api.readyDataset(token, "d", "1 1:1\n0 2:1\n");
    String job = Api.waitingJob(token, dataset);
    // the scheduler has said why it waits: nothing else writes the row from here on
    Api.waitFor(() -> Api.as(token).get("/api/v1/jobs/" + job).then().extract().path("statusReason") != null,
        () -> "the scheduler never said why job " + job + " waits");
    update("update jobs set status = 'RUNNING', executor_id = 'ex-1', started_at = now() where id = ?", job);

    Response cancel = whileHeld("update jobs set status = 'SUCCEEDED', finished_at = now() where id = ?", job,
        () -> Api.as(token).post("/api/v1/jobs/" + job + "/cancel"));

    cancel.then().statusCode(409).body("code", equalTo("job_finished"));
    Api.as(token).get("/api/v1/jobs/" + job).then().body("status", equalTo("SUCCEEDED"), "finishedAt", notNullValue());
  }

  @Test
  void aStudyThatEndsWhileItsCancelWaitsKeepsItsEnd() throws Exception {
    String token = Api.newTenant("race");
    String dataset = Api.readyDataset(token, "d", "1 1:1\n0 2:1\n");
    String spec = Api.spec(dataset, JobApiTest.UNPLACEABLE + ", \"validation\": {\"fraction\": 0.5}");
    String study = Api.as(token).contentType("application/json").body("{\"spec\": " + spec + ", \"space\": "
        + "{\"params.learningRate\": {\"type\": \"float\", \"min\": 0.01, \"max\": 1}}, \"objective\": {\"metric\": "
        + "\"val_logloss\"}, \"budget\": {\"trials\": 4, \"maxParallel\": 1}}").post("/api/v1/studies")
        .then().log().ifValidationFails().statusCode(201).extract().path("id");
    driver.stop(); // its steps lock the row too
    Response cancel;
    try {
      cancel = whileHeld("update studies set status = 'SUCCEEDED', finished_at = now() where id = ?", study,
          () -> Api.as(token).post("/api/v1/studies/" + study + "/cancel"));
    } finally {
      driver.start();
    }

    cancel.then().statusCode(409).body("code", equalTo("study_finished"));
    Api.as(token).get("/api/v1/studies/" + study).then().body("status", equalTo("SUCCEEDED"));
  }

  /**
   * Runs {@code request} while {@code sql} holds the row {@code id} in an open transaction;
   * commits once the request waits for that row's lock, then returns its answer.
   */
  private Response whileHeld(String sql, String id, Supplier<Response> request) throws Exception {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, id);
        assertEquals(1, s.executeUpdate());
      }
      CompletableFuture<Response> answer = CompletableFuture.supplyAsync(request::get);
      Api.waitFor(() -> waitingForALock() || answer.isDone(), () -> "the request never waited for a lock");
      assertFalse(answer.isDone(), () -> "the request did not wait for the row: " + answer.join().asString());
      c.commit();
      return answer.get();
    }
  }

  private boolean waitingForALock() {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
        "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()");
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getInt(1) > 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void update(String sql, String id) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id);
      assertEquals(1, s.executeUpdate());
    }
  }
}
