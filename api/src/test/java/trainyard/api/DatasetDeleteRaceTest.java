package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import trainyard.api.dataset.DatasetRow;
import trainyard.api.job.JobRow;

/**
 * A dataset deleted while a job naming it is submitted: whichever takes the dataset's row first,
 * the other waits and then answers as if it had come second (409 dataset_in_use, or 404), never
 * a 500 from the foreign key. Each test holds one side's transaction open itself, so the
 * interleaving is the same on every run.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class DatasetDeleteRaceTest {
  private static final String GOOD = "1 1:1 3:0.5\n0 2:1\n";
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void aDeletionWaitsForAJobBeingSubmittedThenFindsItInUse() throws Exception {
    String token = Api.newTenant("race-submit");
    String dataset = Api.readyDataset(token, "race", GOOD);
    String tenant = Api.as(token).get("/api/v1/whoami").then().extract().path("tenantId");
    // a submission halfway: the dataset's row share-locked, its job row written, not yet committed
    Held submission = hold(() -> {
      DatasetRow.owned(tenant, dataset, LockModeType.PESSIMISTIC_READ);
      job(tenant, dataset).persistAndFlush();
    });
    Future<Response> delete = threads.submit(() -> Api.as(token).delete("/api/v1/datasets/" + dataset));
    Thread.sleep(500);
    assertFalse(delete.isDone(), "the deletion waits for the submission's transaction");
    submission.commit();
    delete.get(30, TimeUnit.SECONDS).then().statusCode(409).body("code", equalTo("dataset_in_use"));
  }

  @Test
  void aSubmissionWaitsForADeletionThenFindsNoDataset() throws Exception {
    String token = Api.newTenant("race-delete");
    String dataset = Api.readyDataset(token, "race", GOOD);
    String tenant = Api.as(token).get("/api/v1/whoami").then().extract().path("tenantId");
    // a deletion halfway: the row locked and deleted, not yet committed
    Held deletion = hold(() -> {
      DatasetRow.owned(tenant, dataset, LockModeType.PESSIMISTIC_WRITE).delete();
      DatasetRow.flush();
    });
    Future<Response> submit = threads.submit(() -> Api.as(token).contentType("application/json")
        .body("{\"name\": \"late\", \"algorithm\": \"linear\", \"dataset\": \"" + dataset + "\"}").post("/api/v1/jobs"));
    Thread.sleep(500);
    assertFalse(submit.isDone(), "the submission waits for the deletion's transaction");
    deletion.commit();
    submit.get(30, TimeUnit.SECONDS).then().statusCode(404).body("code", equalTo("dataset_not_found"));
  }

  private static JobRow job(String tenant, String dataset) {
    JobRow row = new JobRow();
    row.id = "job_race" + System.nanoTime();
    row.tenantId = tenant;
    row.name = "racing";
    row.algorithm = "linear";
    row.datasetId = dataset;
    row.specJson = "{}";
    row.status = "QUEUED";
    row.attempt = 1;
    row.stateAttempt = 1;
    row.createdAt = Instant.now();
    row.updatedAt = row.createdAt;
    return row;
  }

  /** A transaction on a thread of its own, open until {@link #commit}. */
  private record Held(CountDownLatch finish, Future<?> done) {
    void commit() throws Exception {
      finish.countDown();
      done.get(30, TimeUnit.SECONDS);
    }
  }

  /** Runs {@code work} in a new transaction and returns once it is done, its transaction still open. */
  private Held hold(Runnable work) throws InterruptedException {
    CountDownLatch worked = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Future<?> done = threads.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
      work.run();
      worked.countDown();
      await(finish);
    }));
    worked.await(30, TimeUnit.SECONDS);
    return new Held(finish, done);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
