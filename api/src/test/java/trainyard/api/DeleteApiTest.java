package trainyard.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import trainyard.api.job.JobRow;
import trainyard.api.model.ModelRow;
import trainyard.api.platform.BlobStore;
import trainyard.api.platform.Janitor;
import trainyard.api.upload.UploadRow;

@QuarkusTest
@WithTestResource(TestStores.class)
class DeleteApiTest {
  @Inject BlobStore blobs;
  @Inject Janitor janitor;

  private String token;
  private String dataset;

  @BeforeEach
  void tenantWithData() {
    token = Api.newTenant("deletes");
    dataset = Api.readyDataset(token, "train", "1 1:1 2:1\n0 3:1\n1 1:1\n0 2:1 3:1\n");
  }

  /** A job that waits in the queue (no executor has 64 GPUs), with a checkpoint on disk. */
  private String waitingJobWithCheckpoint() throws Exception {
    String id = Api.waitingJob(token, dataset);
    Files.createDirectories(blobs.checkpoints(id));
    Files.writeString(blobs.checkpoints(id).resolve("epoch-1.ckpt"), "state");
    return id;
  }

  private void cancel(String job) {
    Api.as(token).post("/api/v1/jobs/" + job + "/cancel").then().statusCode(202);
  }

  @Test
  void anEndedJobIsDeletedWithItsFilesAndARunningOneIsNot() throws Exception {
    String job = waitingJobWithCheckpoint();
    Api.as(token).delete("/api/v1/jobs/" + job).then().statusCode(409).contentType("application/problem+json")
        .body("code", equalTo("job_not_ended"));
    Api.as(Api.newTenant("stranger")).delete("/api/v1/jobs/" + job).then().statusCode(404)
        .body("code", equalTo("job_not_found"));
    cancel(job);
    Api.as(token).delete("/api/v1/jobs/" + job).then().statusCode(204);
    Api.as(token).get("/api/v1/jobs/" + job).then().statusCode(404);
    assertFalse(Files.exists(blobs.checkpoints(job)));
    // the dataset is free once no job refers to it
    Api.as(token).delete("/api/v1/datasets/" + dataset).then().statusCode(204);
  }

  @Test
  void aModelIsDeletedWithItsFileAndThenItsJobMayBe() throws Exception {
    String job = waitingJobWithCheckpoint();
    cancel(job);
    String model = "mdl_" + job;
    Path file = blobs.models(job).resolve("model.bin");
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[] {1, 2, 3});
    QuarkusTransaction.requiringNew().run(() -> {
      JobRow row = JobRow.findById(job);
      ModelRow m = new ModelRow();
      m.id = model;
      m.tenantId = row.tenantId;
      m.jobId = job;
      m.path = "models/" + job + "/model.bin";
      m.algorithm = "linear";
      m.keys = 3;
      m.bytes = 3;
      m.infoJson = "{}";
      m.createdAt = Instant.now();
      m.persist();
      row.modelId = model;
    });
    Api.as(token).delete("/api/v1/jobs/" + job).then().statusCode(409).body("code", equalTo("job_has_model"));
    Api.as(Api.newTenant("stranger")).delete("/api/v1/models/" + model).then().statusCode(404)
        .body("code", equalTo("model_not_found"));

    Api.as(token).delete("/api/v1/models/" + model).then().statusCode(204);
    Api.as(token).get("/api/v1/models/" + model).then().statusCode(404);
    assertFalse(Files.exists(file));
    Api.as(token).get("/api/v1/jobs/" + job).then().statusCode(200).body("modelId", nullValue());
    Api.as(token).delete("/api/v1/jobs/" + job).then().statusCode(204);
  }

  @Test
  void theJanitorRemovesTheCheckpointsOfEndedJobsOnly() throws Exception {
    String ended = waitingJobWithCheckpoint();
    cancel(ended);
    String waiting = waitingJobWithCheckpoint();
    Path orphan = Files.createDirectories(blobs.checkpoints("job_gone"));
    janitor.round();
    assertFalse(Files.exists(blobs.checkpoints(ended)));
    assertFalse(Files.exists(orphan));
    assertTrue(Files.exists(blobs.checkpoints(waiting).resolve("epoch-1.ckpt")));
    cancel(waiting);
  }

  @Test
  void anUploadThatGotNoChunkForTheExpiryTimeExpiresAndAnswers410() throws Exception {
    String idle = Api.as(token).contentType("application/json").body("{\"name\": \"u\", \"format\": \"libsvm\", \"size\": 10}")
        .post("/api/v1/uploads").then().statusCode(201).extract().path("id");
    String fresh = Api.as(token).contentType("application/json").body("{\"name\": \"v\", \"format\": \"libsvm\", \"size\": 10}")
        .post("/api/v1/uploads").then().statusCode(201).extract().path("id");
    assertTrue(Files.exists(blobs.upload(idle)));
    QuarkusTransaction.requiringNew().run(() -> {
      UploadRow row = UploadRow.findById(idle);
      row.updatedAt = Instant.now().minus(Duration.ofHours(25));
    });
    janitor.round();
    Api.as(token).get("/api/v1/uploads/" + idle).then().statusCode(410).contentType("application/problem+json")
        .body("code", equalTo("upload_expired"));
    Api.as(token).header("Content-Range", "bytes 0-9/10").body(new byte[10]).contentType("application/octet-stream")
        .put("/api/v1/uploads/" + idle).then().statusCode(410).body("code", equalTo("upload_expired"));
    Api.as(token).contentType("application/json").body("{}").post("/api/v1/uploads/" + idle + "/complete").then()
        .statusCode(410).body("code", equalTo("upload_expired"));
    assertFalse(Files.exists(blobs.upload(idle)));
    Api.as(token).get("/api/v1/uploads/" + fresh).then().statusCode(200).body("status", equalTo("OPEN"));
  }
}
